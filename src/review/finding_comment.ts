/**
 * The body of one inline comment: a finding as it is posted on its line of the diff. Model text
 * is escaped, so a title or body cannot break the comment, open HTML or mention people.
 * @module
 */

import type { Finding } from "../findings/mod.ts";
import { codeFence, escapeBody, escapeInline } from "../markdown/mod.ts";
import type { PlatformDialect } from "../platform/mod.ts";
import { SEVERITY_EMOJI } from "./_severity_emoji.ts";

/** How a suggested replacement is written in an inline comment; see {@link renderFindingComment}. */
export interface SuggestionOptions {
  /** The platform's suggestion fence for a range reaching `span` lines up (its dialect), or null. */
  suggestionFence: PlatformDialect["suggestionFence"];
  /** False leaves suggestions out altogether. */
  suggestions?: boolean;
}

/**
 * Renders the body of one inline comment: a severity and pipeline line, the title in bold, the
 * body, and the suggestion as the platform applies it: a block fenced with the platform's
 * suggestion fence, a fenced `diff` block of added lines where the platform has none, nothing when
 * `suggestions` is false. The fingerprint marker is the platform layer's to add.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderFindingComment } from "./finding_comment.ts";
 *
 * const text = renderFindingComment({
 *   path: "src/db.ts", line: 12, severity: "blocker", pipeline: "security",
 *   title: "SQL injection", body: "Use a bound parameter.", suggestion: "db.query(sql, [id]);",
 *   fingerprint: "0", inDiff: true,
 * }, { suggestionFence: () => "suggestion" });
 * const fence = "`".repeat(3);
 * assert.equal(
 *   text,
 *   "🔴 **blocker** · security\n\n**SQL injection**\n\nUse a bound parameter.\n\n" +
 *     `${fence}suggestion\ndb.query(sql, [id]);\n${fence}`,
 * );
 * ```
 */
export function renderFindingComment(
  f: Finding,
  opts: SuggestionOptions,
): string {
  const parts = [`${SEVERITY_EMOJI[f.severity]} **${f.severity}** · ${escapeInline(f.pipeline)}`];
  parts.push(`**${escapeInline(f.title)}**`);
  const body = escapeBody(f.body);
  if (body) parts.push(body);
  const suggestion = suggestionBlock(f, opts);
  if (suggestion) parts.push(suggestion);
  return parts.join("\n\n");
}

function suggestionBlock(f: Finding, opts: SuggestionOptions): string {
  if (f.suggestion === undefined || opts.suggestions === false) return "";
  const text = f.suggestion.replace(/\r?\n$/, "");
  const span = (f.end_line ?? f.line) - f.line;
  const info = opts.suggestionFence(span);
  if (info !== null) return codeFence(text, info);
  const lines = span > 0 ? `lines ${f.line}-${f.end_line}` : `line ${f.line}`;
  if (f.suggestion === "") return `Suggested change: delete ${lines}.`;
  const added = text.split("\n").map((l) => `+${l}`).join("\n");
  return `Suggested change for ${lines}:\n\n${codeFence(added, "diff")}`;
}
