/**
 * The known word an unknown one was probably meant to be.
 * @module
 */

/**
 * The closest of `known` to `word`, within two edits, ignoring `_` and case; undefined when none
 * is that close. camelCase, stray case and one-letter slips are the usual typos in a settings
 * file.
 */
export function didYouMean(word: string, known: Iterable<string>): string | undefined {
  const fold = (s: string) => s.replaceAll("_", "").toLowerCase();
  const candidates = [...known]
    .map((candidate) => ({ candidate, distance: editDistance(fold(candidate), fold(word)) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance);
  return candidates[0]?.candidate;
}

/** Edits (insert, delete, substitute, swap neighbours) turning `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
