/**
 * Commit hashes as Loom compares them on Bitbucket Cloud.
 *
 * Bitbucket's webhooks and its pull request API give 12-character abbreviations in
 * `source.commit.hash`, while Loom compares the head of a delivery with the head of the pull
 * request and with the heads it already reviewed. Every hash Loom reads from Bitbucket is
 * therefore cut to the same 12 lower-case characters, whichever form Bitbucket sent, so the
 * same commit always compares equal; the full hash is looked up only where an endpoint needs it
 * (commit statuses).
 * @module
 */

/** The length Bitbucket abbreviates hashes to, and Loom compares them at. */
export const SHORT_HASH_LENGTH = 12;

/** `hash` as Loom compares it: lower case, at most {@link SHORT_HASH_LENGTH} characters. */
export function comparableHash(hash: string): string {
  return hash.toLowerCase().slice(0, SHORT_HASH_LENGTH);
}

/** True for a full 40-character SHA-1. */
export function isFullHash(hash: string): boolean {
  return /^[0-9a-f]{40}$/i.test(hash);
}
