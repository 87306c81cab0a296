/**
 * The part of the summary comment about the pull request's life: which range of commits the
 * review read (the commits since the previous review, or a full review and why), the previous
 * review, and what became of earlier findings (✅ fixed, outdated, dismissed, still open).
 *
 * The previous review is linked by its head commit, written as a bare sha so that the platform
 * links it (GitHub, GitLab, Gitea and Bitbucket link commit shas in comments; a code span would
 * stop them). Not by its summary: the summary is one comment edited in place, so the previous
 * summary is this very comment.
 * @module
 */
import type { Severity } from "../findings/mod.ts";
import { codeSpan, escapeInline } from "../markdown/mod.ts";
import { SEVERITY_EMOJI } from "./_severity_emoji.ts";

/** One earlier finding as the summary names it. */
export interface FindingNote {
  path: string;
  line: number;
  title: string;
  severity?: Severity;
  /** Who dismissed it. */
  by?: string;
}

/** What the summary says about the review's place in the pull request's life. */
export interface SummaryLife {
  /** The range reviewed: the commits from `from` (excluded) to the head. */
  from?: string;
  /** Why the whole pull request was reviewed (absent: an incremental review, or the first). */
  fullReason?: string;
  /** The head commit of the previous review. */
  previousHead?: string;
  fixed: FindingNote[];
  outdated: FindingNote[];
  dismissed: FindingNote[];
  stillOpen: FindingNote[];
}

const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * The line naming what was reviewed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rangeLine } from "./summary_life.ts";
 *
 * const life = { fixed: [], outdated: [], dismissed: [], stillOpen: [] };
 * assert.equal(
 *   rangeLine({ ...life, from: "abc1234aaaa" }, "def5678bbbb"),
 *   "Reviewed commits abc1234..def5678 (what changed since the previous review).",
 * );
 * assert.equal(
 *   rangeLine({ ...life, fullReason: "asked for", previousHead: "abc1234aaaa" }, "def5678bbbb"),
 *   "Full review (asked for) of commit def5678. Previous review: commit abc1234.",
 * );
 * ```
 */
export function rangeLine(life: SummaryLife, headSha: string): string {
  const head = sha(headSha);
  if (life.from !== undefined && life.fullReason === undefined) {
    return `Reviewed commits ${sha(life.from)}..${head} (what changed since the previous review).`;
  }
  const previous = life.previousHead ? ` Previous review: commit ${sha(life.previousHead)}.` : "";
  if (life.fullReason === undefined) return `Reviewed commit ${codeSpan(headSha.slice(0, 12))}.`;
  return `Full review (${escapeInline(life.fullReason)}) of commit ${head}.${previous}`;
}

/** The sections about earlier findings, each list cut at `maxItems`; empty when nothing to say. */
export function lifeSections(life: SummaryLife, maxItems: number): string[] {
  const blocks: string[] = [];
  const changes = [
    ...items(life.fixed, maxItems, (n) => `- ✅ fixed: ${where(n)} — **${escapeInline(n.title)}**`),
    ...items(
      life.outdated,
      maxItems,
      (n) => `- ⏭️ outdated (its lines are gone): ${where(n)} — **${escapeInline(n.title)}**`,
    ),
    ...items(
      life.dismissed,
      maxItems,
      (n) =>
        `- 🙈 dismissed by ${escapeInline(n.by ?? "someone")}: ${where(n)} — ` +
        `**${escapeInline(n.title)}**`,
    ),
  ];
  if (changes.length > 0) blocks.push(`### Since the previous review\n\n${changes.join("\n")}`);
  if (life.stillOpen.length > 0) {
    blocks.push(
      "### Still open from earlier reviews\n\n" +
        items(
          life.stillOpen,
          maxItems,
          (n) =>
            `- ${n.severity ? `${SEVERITY_EMOJI[n.severity]} ${n.severity} · ` : ""}${
              where(n)
            } — ` +
            `**${escapeInline(n.title)}**`,
        ).join("\n"),
    );
  }
  return blocks;
}

function items(notes: FindingNote[], maxItems: number, item: (n: FindingNote) => string) {
  const sorted = [...notes].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line
  );
  const lines = sorted.slice(0, maxItems).map(item);
  const rest = sorted.length - lines.length;
  if (rest > 0) {
    lines.push(`- …and ${rest} more, left out to keep this comment within the size limit.`);
  }
  return lines;
}

function where(n: FindingNote): string {
  return codeSpan(`${n.path}:${n.line}`);
}

// A sha from the platform is hex; anything else is shown as code, never as markup.
function sha(value: string): string {
  return SHA.test(value) ? value.slice(0, 7) : codeSpan(value.slice(0, 12));
}
