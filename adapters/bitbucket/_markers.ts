/**
 * How Loom marks its comments on Bitbucket Cloud so that it can find them again.
 *
 * Bitbucket escapes raw HTML, so the `<!-- … -->` markers used on GitHub would show as text.
 * A Markdown link reference definition that nothing references renders to nothing and is kept
 * byte for byte in `content.raw`, so each marker is one, alone on its line:
 * `[loom-summary]: #`, `[loom-reply]: #` and `[loom-fp-<fingerprint>]: #`.
 * @module
 */

/** Starts every summary comment, followed by a blank line. */
export const SUMMARY_MARKER = "[loom-summary]: #";
/** Starts every answer to a chat command, so Loom never reads its own answer as a command. */
export const REPLY_MARKER = "[loom-reply]: #";

const FINGERPRINT_MARKER = /\r?\n\r?\n\[loom-fp-([A-Za-z0-9_.:-]+)\]: #[ \t]*\r?\n?$/;
// Any of Loom's markers, on a line of its own.
const ANY_MARKER = /^ {0,3}\[loom-[A-Za-z0-9_.:-]+\]: #[ \t]*$/m;

/** The summary comment's text: the marker, a blank line, then `body`. */
export function summaryText(body: string): string {
  return `${SUMMARY_MARKER}\n\n${body}`;
}

/**
 * The body of a summary comment as the caller wrote it, or null when `raw` is not Loom's
 * summary. Bodies come back without the marker so that an unchanged summary compares equal.
 */
export function summaryBody(raw: string): string | null {
  if (!raw.startsWith(SUMMARY_MARKER)) return null;
  const rest = raw.slice(SUMMARY_MARKER.length);
  if (rest !== "" && !/^[ \t]*\r?\n/.test(rest)) return null;
  return rest.replace(/^[ \t]*\r?\n(\r?\n)?/, "");
}

/** An answer to a command: the reply marker, a blank line, then `body`. */
export function replyText(body: string): string {
  return `${REPLY_MARKER}\n\n${body}`;
}

/** An inline comment's text: `body`, a blank line, then the fingerprint marker. */
export function withFingerprint(body: string, fingerprint: string): string {
  if (!/^[A-Za-z0-9_.:-]+$/.test(fingerprint)) {
    // A label Markdown would not read as one would show up as text and never be found again.
    throw new Error(`fingerprint ${JSON.stringify(fingerprint)} cannot be used in a marker`);
  }
  return `${body}\n\n[loom-fp-${fingerprint}]: #`;
}

/** The fingerprint and the body before it, or null when `raw` carries no fingerprint marker. */
export function fingerprintOf(raw: string): { fingerprint: string; body: string } | null {
  const m = FINGERPRINT_MARKER.exec(raw);
  return m ? { fingerprint: m[1], body: raw.slice(0, m.index) } : null;
}

/** True when `raw` carries any of Loom's markers: a comment Loom wrote. */
export function isLoomComment(raw: string): boolean {
  return ANY_MARKER.test(raw);
}
