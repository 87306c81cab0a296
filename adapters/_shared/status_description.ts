/**
 * Fitting a commit status's description into a platform's limit.
 * @module
 */

/**
 * `text` when it fits in `max` characters, else its first `max - 1` and an ellipsis: GitHub
 * refuses a description over 140 characters, other platforms show a long one badly, and a cut
 * one still reads as one.
 *
 * @example
 * ```ts
 * statusDescription("Loom found 3 problems in …", 140);
 * ```
 */
export function statusDescription(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
