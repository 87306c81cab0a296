/**
 * The terminal report of `loom review --format text`.
 * @module
 */

import { compareFindings, compareText, countBySeverity, type Finding } from "../findings/mod.ts";
import type { SummaryInput } from "./summary.ts";

/** What the text report says besides the findings; every part is optional. */
export type TextSummary = Partial<
  Pick<
    SummaryInput,
    "pipelines" | "skippedFiles" | "notReviewed" | "droppedUnknownPath" | "skippedReason"
  >
>;

/**
 * Renders findings for a terminal: one block per finding, `path:line [severity] pipeline: title`
 * then the body and suggestion indented by four spaces, sorted by path and line; then what
 * limits the review (skipped whole, failed pipelines, files not reviewed, dropped findings),
 * token use per pipeline, and the counts by severity as the last line.
 *
 * Control characters in model text are removed: an ANSI escape in a title could otherwise
 * rewrite the user's terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderText } from "./text_report.ts";
 *
 * const findings = [{
 *   path: "src/db.ts", line: 12, severity: "blocker" as const, pipeline: "security",
 *   title: "SQL injection", body: "The query concatenates user input.", fingerprint: "0",
 *   inDiff: true,
 * }];
 * assert.equal(
 *   renderText(findings),
 *   "src/db.ts:12 [blocker] security: SQL injection\n" +
 *     "    The query concatenates user input.\n" +
 *     "\n" +
 *     "1 finding: 1 blocker, 0 warnings, 0 info\n",
 * );
 * ```
 */
export function renderText(findings: readonly Finding[], summary: TextSummary = {}): string {
  const blocks: string[] = [];
  if (summary.skippedReason !== undefined) {
    blocks.push(`Review skipped: ${oneLine(summary.skippedReason)}`);
  }
  for (const f of [...findings].sort(compareFindings)) blocks.push(findingBlock(f));

  const notes: string[] = [];
  for (const p of sortedByName(summary.pipelines ?? [])) {
    if (p.status === "failed") {
      notes.push(`Pipeline ${clean(p.name)} failed: ${oneLine(p.error ?? "unknown error")}`);
    }
  }
  const notReviewed = summary.notReviewed ?? [];
  if (notReviewed.length > 0) {
    notes.push(`${notReviewed.length} ${plural(notReviewed.length, "file")} not reviewed:`);
    for (const n of [...notReviewed].sort(byPath)) {
      notes.push(`    ${clean(n.path)} (${oneLine(n.reason)})`);
    }
  }
  const skipped = summary.skippedFiles?.length ?? 0;
  if (skipped > 0) notes.push(`${skipped} ${plural(skipped, "file")} skipped.`);
  const dropped = summary.droppedUnknownPath ?? 0;
  if (dropped > 0) {
    notes.push(
      dropped === 1
        ? "1 finding named a file outside the diff (dropped)."
        : `${dropped} findings named files outside the diff (dropped).`,
    );
  }
  for (const p of sortedByName(summary.pipelines ?? [])) {
    notes.push(
      `${clean(p.name)} (${clean(p.model)}): ${p.status}, ${p.findings} ` +
        `${plural(p.findings, "finding")}, ${p.usage.promptTokens} prompt + ` +
        `${p.usage.completionTokens} completion tokens in ${p.usage.calls} ` +
        `${plural(p.usage.calls, "call")}`,
    );
  }
  if (notes.length > 0) blocks.push(notes.join("\n"));
  blocks.push(counts(findings));
  return blocks.join("\n\n") + "\n";
}

function findingBlock(f: Finding): string {
  const where = f.end_line !== undefined ? `${f.line}-${f.end_line}` : `${f.line}`;
  const outside = f.inDiff ? "" : " (outside the diff)";
  const lines = [
    `${clean(f.path)}:${where} [${f.severity}] ${clean(f.pipeline)}: ${oneLine(f.title)}${outside}`,
  ];
  const body = clean(f.body).trim();
  if (body) lines.push(indent(body, "    "));
  if (f.suggestion !== undefined) {
    if (body) lines.push("");
    lines.push("    Suggestion:", indent(clean(f.suggestion).replace(/\n$/, ""), "      "));
  }
  return lines.join("\n");
}

function counts(findings: readonly Finding[]): string {
  const parts = countBySeverity(findings).map(([s, n]) =>
    `${n} ${s === "info" ? s : plural(n, s)}`
  );
  return `${findings.length} ${plural(findings.length, "finding")}: ${parts.join(", ")}`;
}

function indent(text: string, by: string): string {
  return text.split("\n").map((l) => (l.trim() === "" ? "" : by + l)).join("\n");
}

// Newlines and tabs stay; other C0/C1 controls (ESC starts ANSI sequences) and DEL go.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function clean(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

function oneLine(text: string): string {
  return clean(text).replace(/\s+/g, " ").trim();
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function sortedByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(a.name, b.name));
}

function byPath(a: { path: string }, b: { path: string }): number {
  return compareText(a.path, b.path);
}
