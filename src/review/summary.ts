/**
 * The summary comment a review posts on the pull request: its layout, its order and its size
 * limit. Model-written text is escaped (`src/markdown/`), so a title or body cannot break the
 * layout, open HTML that swallows the rest of the comment, or mention people.
 * @module
 */

import {
  compareFindings,
  compareText,
  countBySeverity,
  type Finding,
  type Severity,
} from "../findings/mod.ts";
import type { PlatformDialect } from "../platform/mod.ts";
import { type Usage, usdText } from "../llm/mod.ts";
import { codeFence, codeSpan, escapeBody, escapeInline } from "../markdown/mod.ts";
import { scrubCredentials } from "../secrets/mod.ts";
import { SEVERITY_EMOJI } from "./_severity_emoji.ts";
import type { ModelFailure, Verification } from "./run_pipeline.ts";
import { lifeSections, rangeLine, type SummaryLife } from "./summary_life.ts";

export type { FindingNote, SummaryLife } from "./summary_life.ts";

/** How one pipeline of the review went. */
export interface PipelineSummary {
  name: string;
  model: string;
  status: "succeeded" | "failed" | "skipped";
  /** Why it failed; shown to everyone who can read the pull request, so never a secret. */
  error?: string;
  findings: number;
  usage: Usage;
  /** The models that answered, when known; differing from `model`, a fallback answered. */
  answeredBy?: string[];
  /** Models passed over for the next of the pipeline's chain, with why (never a secret). */
  modelFailures?: ModelFailure[];
  /** The pipeline's second look, when it took one; its `error` is shown to everyone. */
  verification?: Omit<Verification, "errorDetail">;
}

/** A file and why it was left out. */
export interface FileNote {
  path: string;
  reason: string;
}

/** Everything the summary comment reports; see {@link renderSummary}. */
export interface SummaryInput {
  /** All findings, in the diff or not. */
  findings: Finding[];
  pipelines: PipelineSummary[];
  /** Files left out on purpose (ignored paths, binaries, lockfiles…). */
  skippedFiles: FileNote[];
  /** Files that should have been reviewed but were not (`max_llm_calls`, `too_large`). */
  notReviewed: FileNote[];
  /** Findings dropped for naming a file outside the diff. */
  droppedUnknownPath: number;
  /** Set when the whole review was skipped (e.g. the diff exceeds `max_changes`). */
  skippedReason?: string;
  /** True when in-diff findings were posted inline, so the summary lists only their titles. */
  inlinePosted?: boolean;
  /**
   * What the server changed in the repository's config before reviewing (values above the
   * operator's caps, clamped), one line each; the summary lists them so nobody wonders why the
   * review did less than the config asks.
   */
  notes?: string[];
  /**
   * Loom's own words (never a repository's) saying it paused itself on the pull request after
   * this review (`review.auto_pause_after`); shown as it is, near the top.
   */
  paused?: string;
  /**
   * Loom's own words saying a budget is spent, so the review ran on the server's fallback model;
   * shown near the top.
   */
  budget?: string;
  headSha?: string;
  /**
   * The review's place in the pull request's life: the range reviewed, the previous review, and
   * what became of earlier findings; absent for `loom review` and reviews without a history.
   */
  life?: SummaryLife;
  /**
   * What the review's model calls cost, for the "Cost:" line: all their tokens, and the USD of
   * the priced ones (null when none was priced). Absent: no line (`review.show_cost: false`).
   */
  cost?: { tokens: number; usd: number | null; unpricedCalls: number };
  /** Longest text to return (default 60,000); on a platform, {@link summaryMaxChars}. */
  maxChars?: number;
}

// What the platform layer adds to the summary (its hidden marker) must still fit.
const ROOM_FOR_MARKERS = 5_536;

/**
 * The longest summary a platform takes: its comment limit, less room for the adapter's marker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryMaxChars } from "./summary.ts";
 *
 * assert.equal(summaryMaxChars({ maxCommentChars: 65_536 }), 60_000);
 * ```
 */
export function summaryMaxChars(dialect: Pick<PlatformDialect, "maxCommentChars">): number {
  return dialect.maxCommentChars - ROOM_FOR_MARKERS;
}

const TITLE = "## Loom review";
const DEFAULT_MAX_CHARS = 60_000;
// Lists longer than this fold into <details> so the findings stay near the top.
const FOLD_OVER = 10;
const ERROR_MAX_CHARS = 300;

const PLURAL: Record<Severity, string> = { blocker: "blockers", warning: "warnings", info: "info" };
const STATUS: Record<PipelineSummary["status"], string> = {
  succeeded: "✅ succeeded",
  failed: "❌ failed",
  skipped: "⏭️ skipped",
};
const NOT_REVIEWED_REASON: Record<string, string> = {
  max_llm_calls: "the review reached its `max_llm_calls` limit",
  too_large: "too large for one model request",
  too_large_to_diff: "too large for Loom to diff (over 1 MiB a side)",
};

/**
 * Renders the summary comment: finding counts by severity, findings grouped by file, findings
 * outside the diff with their full text (they cannot be inline), files not reviewed, skipped
 * files, failed pipelines, and models and tokens per pipeline. When `skippedReason` is set it
 * renders only a short note saying why nothing was reviewed.
 *
 * The output depends only on the input's content, not its order (everything is sorted), so an
 * unchanged review renders the identical text and the comment is not edited needlessly. Bodies
 * of in-diff findings are included unless `inlinePosted`. Over `maxChars`, bodies are left out
 * first, then lists are shortened, each with a note saying so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSummary } from "./summary.ts";
 *
 * const summary = renderSummary({
 *   findings: [{
 *     path: "src/db.ts", line: 12, severity: "blocker", pipeline: "security",
 *     title: "SQL injection", body: "Bind the parameter.", fingerprint: "0", inDiff: true,
 *   }],
 *   pipelines: [{
 *     name: "security", model: "gpt-4o", status: "succeeded", findings: 1,
 *     usage: { promptTokens: 900, completionTokens: 60, calls: 1 },
 *   }],
 *   skippedFiles: [], notReviewed: [], droppedUnknownPath: 0, inlinePosted: true,
 * });
 * assert.ok(summary.startsWith("## Loom review"));
 * assert.match(summary, /SQL injection/);
 * ```
 */
export function renderSummary(input: SummaryInput): string {
  if (input.skippedReason !== undefined) return renderSkipped(input, input.skippedReason);
  const sorted: Sorted = {
    findings: [...input.findings].sort(compareFindings),
    pipelines: [...input.pipelines].sort((a, b) =>
      compareText(a.name, b.name) || compareText(a.model, b.model)
    ),
    skippedFiles: [...input.skippedFiles].sort(byPath),
    notReviewed: [...input.notReviewed].sort(byPath),
  };
  const maxChars = input.maxChars ?? DEFAULT_MAX_CHARS;
  const full = render(input, sorted, { bodies: true, maxItems: Infinity });
  if (full.length <= maxChars) return full;
  const life = input.life;
  const longest = Math.max(
    ...(life
      ? [life.fixed.length, life.outdated.length, life.dismissed.length, life.stillOpen.length]
      : []),
    sorted.findings.length,
    sorted.skippedFiles.length,
    sorted.notReviewed.length,
  );
  for (let maxItems = longest;; maxItems = Math.floor(maxItems / 2)) {
    const text = render(input, sorted, { bodies: false, maxItems });
    if (text.length <= maxChars || maxItems === 0) return text;
  }
}

interface Sorted {
  findings: Finding[];
  pipelines: PipelineSummary[];
  skippedFiles: FileNote[];
  notReviewed: FileNote[];
}

interface Mode {
  bodies: boolean;
  maxItems: number;
}

function pausedBlock(paused: string): string {
  return `⏸️ ${paused}`;
}

function renderSkipped(input: SummaryInput, reason: string): string {
  const blocks = [TITLE];
  if (input.headSha) blocks.push(`Commit ${codeSpan(input.headSha.slice(0, 12))}`);
  blocks.push(`**Review skipped:** ${escapeInline(reason)}`);
  return blocks.join("\n\n") + "\n";
}

function render(input: SummaryInput, sorted: Sorted, mode: Mode): string {
  const blocks = [TITLE];
  if (input.headSha) {
    blocks.push(
      input.life
        ? rangeLine(input.life, input.headSha)
        : `Reviewed commit ${codeSpan(input.headSha.slice(0, 12))}.`,
    );
  }
  blocks.push(counts(sorted.findings));
  if (input.cost) blocks.push(costLine(input.cost));

  const failed = sorted.pipelines.filter((p) => p.status === "failed");
  if (failed.length > 0 || sorted.notReviewed.length > 0) {
    const gaps = [
      ...(failed.length > 0
        ? [`${failed.length} ${plural(failed.length, "pipeline")} failed`]
        : []),
      ...(sorted.notReviewed.length > 0
        ? [`${sorted.notReviewed.length} ${plural(sorted.notReviewed.length, "file")} not reviewed`]
        : []),
    ];
    blocks.push(`⚠️ **This review is incomplete:** ${gaps.join(", ")} (see below).`);
  }
  if (input.paused) blocks.push(pausedBlock(input.paused));
  if (input.budget) blocks.push(`💸 ${escapeInline(input.budget)}`);
  if (input.notes && input.notes.length > 0) {
    blocks.push(
      "**Clamped to this server's limits:** " + input.notes.map(escapeInline).join("; ") + ".",
    );
  }

  const inDiff = sorted.findings.filter((f) => f.inDiff);
  const outside = sorted.findings.filter((f) => !f.inDiff);
  const cut = mode.bodies ? "" : "\n\n_Finding details are left out to keep this comment short._";
  if (inDiff.length > 0) {
    const intro = input.inlinePosted ? "\n\nEach is posted as an inline comment." : "";
    const showBodies = mode.bodies && !input.inlinePosted;
    blocks.push(
      `### Findings${intro}${input.inlinePosted ? "" : cut}\n\n` +
        byFile(inDiff, showBodies, mode.maxItems),
    );
  }
  if (outside.length > 0) {
    blocks.push(
      "### Outside the diff\n\nThese are on lines this change does not touch, so they cannot be " +
        `inline comments.${cut}\n\n` +
        list(outside, mode.maxItems, "finding", (f) => findingItem(f, mode.bodies))
          .join(mode.bodies ? "\n\n" : "\n"),
    );
  }
  if (input.life) blocks.push(...lifeSections(input.life, mode.maxItems));
  if (input.droppedUnknownPath > 0) {
    const n = input.droppedUnknownPath;
    blocks.push(
      n === 1
        ? "_1 finding named a file outside this change and was dropped._"
        : `_${n} findings named files outside this change and were dropped._`,
    );
  }
  if (sorted.notReviewed.length > 0) {
    blocks.push(
      "### Not reviewed\n\nThese files were not sent to a model: having no findings says nothing " +
        "about them.\n\n" +
        folded(
          sorted.notReviewed,
          "not reviewed",
          mode.maxItems,
          (n) =>
            `- ${codeSpan(n.path)}: ${NOT_REVIEWED_REASON[n.reason] ?? escapeInline(n.reason)}`,
        ),
    );
  }
  if (sorted.skippedFiles.length > 0) {
    blocks.push(
      "### Skipped files\n\n" +
        folded(
          sorted.skippedFiles,
          "skipped",
          mode.maxItems,
          (n) => `- ${codeSpan(n.path)}: ${escapeInline(n.reason)}`,
        ),
    );
  }
  if (failed.length > 0) {
    blocks.push(
      "### Failed pipelines\n\n" +
        failed.map((p) =>
          `- **${escapeInline(p.name)}** (${escapeInline(p.model)}): ${
            escapeInline(errorText(p.error))
          }`
        ).join("\n"),
    );
  }
  const modelNotes = sorted.pipelines.flatMap(modelNoteLines);
  if (modelNotes.length > 0) blocks.push(`### Models\n\n${modelNotes.join("\n")}`);
  if (sorted.pipelines.length > 0) blocks.push(`### Pipelines\n\n${usageTable(sorted.pipelines)}`);
  return blocks.join("\n\n") + "\n";
}

// Which model answered when it was not the pipeline's own, and what the second look did.
function modelNoteLines(p: PipelineSummary): string[] {
  const lines: string[] = [];
  const name = `**${escapeInline(p.name)}**`;
  const fallbacks = (p.answeredBy ?? []).filter((m) => m !== p.model);
  if (fallbacks.length > 0) {
    const failed = (p.modelFailures ?? []).map((f) =>
      `${codeSpan(f.model)} failed (${escapeInline(errorText(f.error))})`
    );
    lines.push(
      `- ${name}: answered by fallback ${plural(fallbacks.length, "model")} ` +
        `${fallbacks.map(codeSpan).join(", ")}` +
        (failed.length > 0 ? ` after ${failed.join(", then ")}.` : "."),
    );
  }
  const v = p.verification;
  if (v) {
    const by = `second look by ${codeSpan(v.model)}`;
    const dropped = v.dropped > 0
      ? `; ${v.dropped} ${plural(v.dropped, "finding")} scored under ${v.minScore} of 10 ` +
        `${v.dropped === 1 ? "was" : "were"} dropped`
      : "";
    const kept = `${v.verified} ${plural(v.verified, "finding")} kept${dropped}`;
    lines.push(
      v.error
        ? `- ${name}: the ${by} failed (${escapeInline(errorText(v.error))}): ` +
          `${v.unverified} ${plural(v.unverified, "finding")} ${
            v.unverified === 1 ? "is" : "are"
          } posted unverified` + (v.verified + v.dropped > 0 ? ` (${kept})` : "") + "."
        : `- ${name}: ${by}: ${kept}.`,
    );
  }
  return lines;
}

function counts(findings: Finding[]): string {
  if (findings.length === 0) return "**No findings.**";
  const parts = countBySeverity(findings).map(([s, n]) =>
    `${SEVERITY_EMOJI[s]} ${n} ${n === 1 || s === "info" ? s : PLURAL[s]}`
  );
  return `**${findings.length} ${plural(findings.length, "finding")}:** ${parts.join(" · ")}`;
}

function byFile(findings: Finding[], bodies: boolean, maxItems: number): string {
  const shown = findings.slice(0, maxItems);
  // Items with a quoted body read better apart; title-only items stay a tight list.
  const sep = bodies ? "\n\n" : "\n";
  const groups: string[] = [];
  let path: string | null = null;
  let items: string[] = [];
  for (const f of shown) {
    if (f.path !== path) {
      if (path !== null) groups.push(`**${codeSpan(path)}**\n\n${items.join(sep)}`);
      path = f.path;
      items = [];
    }
    items.push(findingItem(f, bodies));
  }
  if (path !== null) groups.push(`**${codeSpan(path)}**\n\n${items.join(sep)}`);
  const rest = findings.length - shown.length;
  if (rest > 0) groups.push(moreNote(rest, "finding"));
  return groups.join("\n\n");
}

function findingItem(f: Finding, bodies: boolean): string {
  const where = f.end_line !== undefined
    ? `${f.path}:${f.line}-${f.end_line}`
    : `${f.path}:${f.line}`;
  const head =
    `- ${SEVERITY_EMOJI[f.severity]} ${f.severity} · ${escapeInline(f.pipeline)} · ${
      codeSpan(where)
    } — ` +
    `**${escapeInline(f.title)}**`;
  if (!bodies) return head;
  const parts = [escapeBody(f.body)];
  if (f.suggestion !== undefined) parts.push(`Suggested code:\n\n${codeFence(f.suggestion, "")}`);
  const detail = parts.filter((p) => p !== "").join("\n\n");
  if (detail === "") return head;
  // A blockquote inside the list item keeps the body's own markdown from leaking out of it.
  const quoted = detail.split("\n").map((l) => (l === "" ? "  >" : `  > ${l}`)).join("\n");
  return `${head}\n\n${quoted}`;
}

function list<T>(items: T[], maxItems: number, noun: string, item: (t: T) => string): string[] {
  const lines = items.slice(0, maxItems).map(item);
  const rest = items.length - lines.length;
  if (rest > 0) lines.push(moreNote(rest, noun));
  return lines;
}

function folded(
  notes: FileNote[],
  what: string,
  maxItems: number,
  item: (n: FileNote) => string,
): string {
  const lines = list(notes, maxItems, "file", item).join("\n");
  if (notes.length <= FOLD_OVER) return lines;
  return `<details>\n<summary>${notes.length} files ${what}</summary>\n\n${lines}\n\n</details>`;
}

function moreNote(n: number, noun: string): string {
  return `- …and ${n} more ${
    plural(n, noun)
  }, left out to keep this comment within the size limit.`;
}

function usageTable(pipelines: PipelineSummary[]): string {
  const rows = [
    "| Pipeline | Model | Status | Findings | Prompt tokens | Completion tokens | Calls |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
  ];
  const total = { promptTokens: 0, completionTokens: 0, calls: 0, findings: 0 };
  for (const p of pipelines) {
    rows.push(
      `| ${escapeInline(p.name)} | ${escapeInline(p.model)} | ${STATUS[p.status]} | ` +
        `${p.findings} | ${thousands(p.usage.promptTokens)} | ` +
        `${thousands(p.usage.completionTokens)} | ${p.usage.calls} |`,
    );
    total.promptTokens += p.usage.promptTokens;
    total.completionTokens += p.usage.completionTokens;
    total.calls += p.usage.calls;
    total.findings += p.findings;
  }
  if (pipelines.length > 1) {
    rows.push(
      `| **Total** | | | ${total.findings} | ${thousands(total.promptTokens)} | ` +
        `${thousands(total.completionTokens)} | ${total.calls} |`,
    );
  }
  return rows.join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// Errors are redacted where they are made, knowing the real key; the summary is public to the
// whole pull request, so common credential shapes that slipped through are masked here too.
function errorText(error: string | undefined): string {
  const text = scrubCredentials(oneLine(error ?? "unknown error"));
  return text.length > ERROR_MAX_CHARS ? `${text.slice(0, ERROR_MAX_CHARS - 1)}…` : text;
}

function costLine(cost: NonNullable<SummaryInput["cost"]>): string {
  const tokens = `${thousands(cost.tokens)} ${plural(cost.tokens, "token")}`;
  if (cost.usd === null) return `Cost: ${tokens}`;
  const partly = cost.unpricedCalls > 0 ? " (models without a price not counted)" : "";
  return `Cost: ${tokens}, ${usdText(cost.usd)}${partly}`;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function byPath(a: FileNote, b: FileNote): number {
  return compareText(a.path, b.path) || compareText(a.reason, b.reason);
}

/**
 * The summary posted instead of a review when the repository's config on `baseRef` has errors:
 * each error (formatted `file:line:col: message`), where to fix them, and how to ask again. The
 * errors quote the repository's YAML and the branch is named by its writers, so each is a code
 * span its text cannot close early (a backtick in it would otherwise end the code and let the
 * rest through as markup, mentions and HTML included).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderConfigErrorSummary } from "./summary.ts";
 *
 * const text = renderConfigErrorSummary("main", ["c.yaml:1:1: `x` <b>"], ".loom/config.yaml");
 * assert.ok(text.includes("- ``c.yaml:1:1: `x` <b>``"));
 * ```
 */
export function renderConfigErrorSummary(
  baseRef: string,
  errors: readonly string[],
  configPath: string,
): string {
  const lines = errors.map((e) => `- ${codeSpan(e)}`).join("\n");
  const ref = codeSpan(baseRef);
  return `${TITLE}\n\n**Loom could not review this pull request:** the review ` +
    `config on ${ref} has errors.\n\n${lines}\n\nFix ${codeSpan(configPath)} on ` +
    `${ref}, then comment \`/loom review\`.`;
}
