/**
 * Markdown a review posts: the pull request's summary comment and the body of each inline
 * comment. Model-written text is escaped here, so a title or body cannot break the layout, open
 * HTML that swallows the rest of the comment, or mention people.
 * @module
 */

import type { Usage } from "../llm/mod.ts";
import type { PlatformDialect } from "../platform/mod.ts";
import { type Finding, SEVERITIES, type Severity } from "./finding.ts";

/** How one pipeline of the review went. */
export interface PipelineSummary {
  name: string;
  model: string;
  status: "succeeded" | "failed" | "skipped";
  /** Why it failed; shown to everyone who can read the pull request, so never a secret. */
  error?: string;
  findings: number;
  usage: Usage;
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
  headSha?: string;
  /** Longest text to return (default 60,000: GitHub rejects comments over 65,536 chars). */
  maxChars?: number;
}

/** How a suggested replacement is written in an inline comment; see {@link renderFindingComment}. */
export interface SuggestionOptions {
  /** The platform's suggestion fence for a range reaching `span` lines up (its dialect), or null. */
  suggestionFence: PlatformDialect["suggestionFence"];
  /** False leaves suggestions out altogether. */
  suggestions?: boolean;
}

const TITLE = "## Loom review";
const DEFAULT_MAX_CHARS = 60_000;
// Lists longer than this fold into <details> so the findings stay near the top.
const FOLD_OVER = 10;
const ERROR_MAX_CHARS = 300;

const EMOJI: Record<Severity, string> = { blocker: "🔴", warning: "🟡", info: "🔵" };
const PLURAL: Record<Severity, string> = { blocker: "blockers", warning: "warnings", info: "info" };
const STATUS: Record<PipelineSummary["status"], string> = {
  succeeded: "✅ succeeded",
  failed: "❌ failed",
  skipped: "⏭️ skipped",
};
const NOT_REVIEWED_REASON: Record<string, string> = {
  max_llm_calls: "the review reached its `max_llm_calls` limit",
  too_large: "too large for one model request",
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
 * const markdown = renderSummary({
 *   findings, pipelines, skippedFiles: [], notReviewed: [], droppedUnknownPath: 0,
 *   inlinePosted: true, headSha,
 * });
 * ```
 */
export function renderSummary(input: SummaryInput): string {
  if (input.skippedReason !== undefined) return renderSkipped(input, input.skippedReason);
  const sorted: Sorted = {
    findings: [...input.findings].sort(byPlace),
    pipelines: [...input.pipelines].sort((a, b) => cmp(a.name, b.name) || cmp(a.model, b.model)),
    skippedFiles: [...input.skippedFiles].sort(byPath),
    notReviewed: [...input.notReviewed].sort(byPath),
  };
  const maxChars = input.maxChars ?? DEFAULT_MAX_CHARS;
  const full = render(input, sorted, { bodies: true, maxItems: Infinity });
  if (full.length <= maxChars) return full;
  const longest = Math.max(
    sorted.findings.length,
    sorted.skippedFiles.length,
    sorted.notReviewed.length,
  );
  for (let maxItems = longest;; maxItems = Math.floor(maxItems / 2)) {
    const text = render(input, sorted, { bodies: false, maxItems });
    if (text.length <= maxChars || maxItems === 0) return text;
  }
}

/**
 * Renders the body of one inline comment: a severity and pipeline line, the title in bold, the
 * body, and the suggestion as the platform applies it: a block fenced with the platform's
 * suggestion fence, a ` ```diff ` block of added lines where the platform has none, nothing when
 * `suggestions` is false. The fingerprint marker is the platform layer's to add.
 *
 * @example
 * ```ts
 * renderFindingComment(finding, { suggestionFence: () => "suggestion" });
 * // "🔴 **blocker** · security\n\n**SQL injection**\n\nUse a bound parameter.\n\n```suggestion\n…"
 * ```
 */
export function renderFindingComment(
  f: Finding,
  opts: SuggestionOptions,
): string {
  const parts = [`${EMOJI[f.severity]} **${f.severity}** · ${inline(f.pipeline)}`];
  parts.push(`**${inline(f.title)}**`);
  const body = escapeBody(f.body);
  if (body) parts.push(body);
  const suggestion = suggestionBlock(f, opts);
  if (suggestion) parts.push(suggestion);
  return parts.join("\n\n");
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

function renderSkipped(input: SummaryInput, reason: string): string {
  const blocks = [TITLE];
  if (input.headSha) blocks.push(`Commit ${code(input.headSha.slice(0, 12))}`);
  blocks.push(`**Review skipped:** ${inline(reason)}`);
  return blocks.join("\n\n") + "\n";
}

function render(input: SummaryInput, sorted: Sorted, mode: Mode): string {
  const blocks = [TITLE];
  if (input.headSha) blocks.push(`Reviewed commit ${code(input.headSha.slice(0, 12))}.`);
  blocks.push(counts(sorted.findings));

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
          (n) => `- ${code(n.path)}: ${NOT_REVIEWED_REASON[n.reason] ?? inline(n.reason)}`,
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
          (n) => `- ${code(n.path)}: ${inline(n.reason)}`,
        ),
    );
  }
  if (failed.length > 0) {
    blocks.push(
      "### Failed pipelines\n\n" +
        failed.map((p) =>
          `- **${inline(p.name)}** (${inline(p.model)}): ${inline(errorText(p.error))}`
        ).join("\n"),
    );
  }
  if (sorted.pipelines.length > 0) blocks.push(`### Pipelines\n\n${usageTable(sorted.pipelines)}`);
  return blocks.join("\n\n") + "\n";
}

function counts(findings: Finding[]): string {
  if (findings.length === 0) return "**No findings.**";
  const n: Record<Severity, number> = { blocker: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  const parts = SEVERITIES.map((s) =>
    `${EMOJI[s]} ${n[s]} ${n[s] === 1 || s === "info" ? s : PLURAL[s]}`
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
      if (path !== null) groups.push(`**${code(path)}**\n\n${items.join(sep)}`);
      path = f.path;
      items = [];
    }
    items.push(findingItem(f, bodies));
  }
  if (path !== null) groups.push(`**${code(path)}**\n\n${items.join(sep)}`);
  const rest = findings.length - shown.length;
  if (rest > 0) groups.push(moreNote(rest, "finding"));
  return groups.join("\n\n");
}

function findingItem(f: Finding, bodies: boolean): string {
  const where = f.end_line !== undefined
    ? `${f.path}:${f.line}-${f.end_line}`
    : `${f.path}:${f.line}`;
  const head = `- ${EMOJI[f.severity]} ${f.severity} · ${inline(f.pipeline)} · ${code(where)} — ` +
    `**${inline(f.title)}**`;
  if (!bodies) return head;
  const parts = [escapeBody(f.body)];
  if (f.suggestion !== undefined) parts.push(`Suggested code:\n\n${fence(f.suggestion, "")}`);
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
      `| ${inline(p.name)} | ${inline(p.model)} | ${STATUS[p.status]} | ${p.findings} | ` +
        `${thousands(p.usage.promptTokens)} | ${thousands(p.usage.completionTokens)} | ` +
        `${p.usage.calls} |`,
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

function suggestionBlock(f: Finding, opts: SuggestionOptions): string {
  if (f.suggestion === undefined || opts.suggestions === false) return "";
  const text = f.suggestion.replace(/\r?\n$/, "");
  const span = (f.end_line ?? f.line) - f.line;
  const info = opts.suggestionFence(span);
  if (info !== null) return fence(text, info);
  const lines = span > 0 ? `lines ${f.line}-${f.end_line}` : `line ${f.line}`;
  if (f.suggestion === "") return `Suggested change: delete ${lines}.`;
  const added = text.split("\n").map((l) => `+${l}`).join("\n");
  return `Suggested change for ${lines}:\n\n${fence(added, "diff")}`;
}

/** A fenced block longer than any backtick run inside, so the content cannot close it early. */
function fence(content: string, info: string): string {
  let longest = 0;
  for (const run of content.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = "`".repeat(Math.max(3, longest + 1));
  const body = content === "" || content.endsWith("\n") ? content : `${content}\n`;
  return `${ticks}${info}\n${body}${ticks}`;
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const t = oneLine(text);
  let longest = 0;
  for (const run of t.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  // Never used in a table cell, where a `|` inside code would still end the cell.
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

const HTML_ENTITY: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/** Model text for one line of markdown: no newlines, no markup, safe in a table cell. */
function inline(text: string): string {
  const escaped = oneLine(text).replace(
    /[\\`*_[\]<>|~&#]/g,
    (c) => HTML_ENTITY[c] ?? `\\${c}`,
  );
  return noMentions(escaped);
}

/**
 * Model markdown kept as markdown, minus what can break out of its place: raw HTML (`<details>`,
 * `<!--`) outside code, `@mentions`, and a code fence left open (it would swallow what follows).
 */
function escapeBody(body: string): string {
  const out: string[] = [];
  let open: { char: string; len: number } | null = null;
  for (const line of body.replace(/\r\n?/g, "\n").trimEnd().split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (m && m[1][0] === open.char && m[1].length >= open.len && m[2].trim() === "") open = null;
      out.push(line);
    } else if (m && !(m[1][0] === "`" && m[2].includes("`"))) {
      open = { char: m[1][0], len: m[1].length };
      out.push(line);
    } else {
      out.push(escapeProse(line));
    }
  }
  if (open) out.push(open.char.repeat(open.len));
  return out.join("\n").trim();
}

/** Escapes HTML and mentions in one line of prose, leaving code spans as written. */
function escapeProse(line: string): string {
  let out = "";
  let from = 0;
  let at = line.indexOf("`");
  while (at >= 0) {
    const runEnd = endOfRun(line, at);
    const close = findRun(line, runEnd, runEnd - at);
    if (close < 0) {
      out += prose(line.slice(from, runEnd));
    } else {
      out += prose(line.slice(from, at)) + line.slice(at, close);
    }
    from = close < 0 ? runEnd : close;
    at = line.indexOf("`", from);
  }
  return out + prose(line.slice(from));
}

function prose(text: string): string {
  return noMentions(text.replace(/[<&]/g, (c) => HTML_ENTITY[c]));
}

/** End (exclusive) of the backtick run closing a span of `len` backticks, or -1. */
function findRun(line: string, from: number, len: number): number {
  for (let j = line.indexOf("`", from); j >= 0; j = line.indexOf("`", j)) {
    const end = endOfRun(line, j);
    if (end - j === len) return end;
    j = end;
  }
  return -1;
}

function endOfRun(line: string, at: number): number {
  let end = at;
  while (line[end] === "`") end++;
  return end;
}

// A zero-width space after `@` stops forges from notifying whoever a model happened to name.
function noMentions(text: string): string {
  return text.replace(/(^|[^\w@])@(?=[A-Za-z0-9])/g, "$1@\u200B");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const AUTH_HEADER = /\b(Bearer|Basic|Token)\s+[\w.~+/=-]{8,}/gi;
const OPENAI_KEY = /\bsk-[\w-]{8,}/g;
const KEY_VALUE = /\b(api[_-]?key|\w*token|password|secret)(["']?\s*[:=]\s*["']?)[^\s"'&,;]{4,}/gi;

// Errors are redacted where they are made (src/llm/redact.ts knows the real key); this catches
// common credential shapes that slip through, since the summary is public to the whole PR.
function errorText(error: string | undefined): string {
  const text = oneLine(error ?? "unknown error")
    .replace(AUTH_HEADER, "$1 ***")
    .replace(OPENAI_KEY, "sk-***")
    .replace(KEY_VALUE, "$1$2***");
  return text.length > ERROR_MAX_CHARS ? `${text.slice(0, ERROR_MAX_CHARS - 1)}…` : text;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPath(a: FileNote, b: FileNote): number {
  return cmp(a.path, b.path) || cmp(a.reason, b.reason);
}

function byPlace(a: Finding, b: Finding): number {
  return cmp(a.path, b.path) || a.line - b.line ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    cmp(a.pipeline, b.pipeline) || cmp(a.title, b.title) || cmp(a.fingerprint, b.fingerprint) ||
    cmp(a.body, b.body);
}

/**
 * The summary posted instead of a review when the repository's config on `baseRef` has errors:
 * each error (formatted `file:line:col: message`), where to fix them, and how to ask again.
 */
export function renderConfigErrorSummary(
  baseRef: string,
  errors: readonly string[],
  configPath: string,
): string {
  const lines = errors.map((e) => `- \`${e}\``).join("\n");
  return `## Loom review\n\n**Loom could not review this pull request:** the review ` +
    `config on \`${baseRef}\` has errors.\n\n${lines}\n\nFix \`${configPath}\` on ` +
    `\`${baseRef}\`, then comment \`/loom review\`.`;
}
