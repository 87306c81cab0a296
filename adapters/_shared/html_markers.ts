/**
 * How Loom marks its comments on GitHub, GitLab and Gitea / Forgejo so that it can find them
 * again: hidden HTML comments, which all three render invisibly. Bitbucket escapes HTML and has
 * its own markers (`bitbucket_markers.ts`); Azure DevOps keeps thread properties instead.
 * @module
 */

import type { PostedComment } from "../../src/platform/mod.ts";

/** Starts every summary comment, followed by a blank line that keeps the Markdown rendering. */
export const SUMMARY_MARKER = "<!-- loom:summary -->";
/**
 * Starts every answer to a chat command, so Loom never reads its own answer as a command even
 * when it posts as an ordinary user (a token) rather than as a bot.
 */
export const REPLY_MARKER = "<!-- loom:reply -->";

// Every marker starts with this: a comment carrying it is Loom's own.
const MARKER_PREFIX = "<!-- loom:";
// The fingerprint marker, on the last line after a blank one.
const FINGERPRINT_MARKER = /\r?\n\r?\n<!-- loom:fp:([^\s>]+) -->\s*$/;

/** The summary comment's text: the marker, a blank line, then `body`. */
export function summaryText(body: string): string {
  return `${SUMMARY_MARKER}\n\n${body}`;
}

/**
 * The body of a summary comment as the caller wrote it, or null when `text` is not Loom's
 * summary. Bodies come back without the marker so that an unchanged summary compares equal and
 * is not edited for nothing.
 */
export function summaryBody(text: string): string | null {
  if (!text.startsWith(SUMMARY_MARKER)) return null;
  return text.slice(SUMMARY_MARKER.length).replace(/^\r?\n(\r?\n)?/, "");
}

/** An answer to a command: the reply marker, a blank line, then `body`. */
export function replyText(body: string): string {
  return `${REPLY_MARKER}\n\n${body}`;
}

/** An inline comment's text: `body`, a blank line, then the fingerprint marker. */
export function withFingerprint(body: string, fingerprint: string): string {
  return `${body}\n\n<!-- loom:fp:${fingerprint} -->`;
}

/** The fingerprint and the body before it, or null when `text` carries no fingerprint marker. */
export function fingerprintOf(text: string): { fingerprint: string; body: string } | null {
  const m = FINGERPRINT_MARKER.exec(text);
  return m ? { fingerprint: m[1], body: text.slice(0, m.index) } : null;
}

/** True when `text` carries any of Loom's markers: a comment Loom wrote, never a command. */
export function isLoomComment(text: string): boolean {
  return text.includes(MARKER_PREFIX);
}

/**
 * `c` as Loom's summary, its body without the marker, or null when `c` is not Loom's summary.
 */
export function markedSummary(c: { id: number; body?: string | null }): PostedComment | null {
  const body = summaryBody(c.body ?? "");
  return body === null ? null : { id: String(c.id), kind: "summary", body };
}

/**
 * `c` as one of Loom's inline comments, with its fingerprint and its body without the marker, or
 * null when it carries no fingerprint. Where it sits is taken from `at`, which the caller fills
 * from the fields its platform keeps that in; a field the platform left empty is left out.
 */
export function markedInline(
  c: { id: number; body?: string | null },
  at: { path?: string | null; line?: number | null } = {},
): (PostedComment & { fingerprint: string }) | null {
  const marked = fingerprintOf(c.body ?? "");
  if (!marked) return null;
  const posted: PostedComment & { fingerprint: string } = {
    id: String(c.id),
    kind: "inline",
    body: marked.body,
    fingerprint: marked.fingerprint,
  };
  if (at.path) posted.path = at.path;
  if (typeof at.line === "number") posted.line = at.line;
  return posted;
}

/**
 * The comments a platform says landed, grouped by the fingerprint in their body, in order: the
 * way to tell which landed comment is which sent one when the platform answers a batch without
 * saying. Comments without a fingerprint are left out.
 */
export function landedByFingerprint<C extends { body?: string | null }>(
  landed: C[],
): Map<string, C[]> {
  const byFingerprint = new Map<string, C[]>();
  for (const c of landed) {
    const fp = fingerprintOf(c.body ?? "")?.fingerprint;
    if (fp) byFingerprint.set(fp, [...byFingerprint.get(fp) ?? [], c]);
  }
  return byFingerprint;
}

/**
 * Each comment of `sent` with the comment of `landed` that carries its fingerprint, or undefined
 * where none does, in order; each landed comment is paired once.
 */
export function pairLanded<S extends { fingerprint: string }, C extends { body?: string | null }>(
  sent: S[],
  landed: C[],
): [S, C | undefined][] {
  const byFingerprint = landedByFingerprint(landed);
  return sent.map((c) => [c, byFingerprint.get(c.fingerprint)?.shift()]);
}
