/**
 * The figures of a whole evaluation run, from its cases' tallies.
 * @module
 */
import type { CaseTally } from "./match.ts";

/** Precision, recall, F1 and line accuracy over all cases; null when undefined (0 / 0). */
export interface EvalScore {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  lineAccuracy: number | null;
}

/**
 * Scores all tallies together (micro-averaged, so a case with many findings weighs more):
 * precision = matched findings / findings, recall = found expectations / expectations,
 * F1 their harmonic mean, line accuracy = matched findings on an exact line / matched findings.
 * Rounded to four decimals. A ratio with nothing to count is null, not a flattering 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreTallies } from "./score.ts";
 *
 * const tally = { matchedFindings: 3, exactLine: 2, falsePositives: 1, found: 3, missed: [],
 *   findings: 4, expected: 6 };
 * assert.deepEqual(scoreTallies([tally]), {
 *   precision: 0.75, recall: 0.5, f1: 0.6, lineAccuracy: 0.6667,
 * });
 * ```
 */
export function scoreTallies(tallies: readonly CaseTally[]): EvalScore {
  const sum = (key: "matchedFindings" | "exactLine" | "found" | "findings" | "expected") =>
    tallies.reduce((n, t) => n + t[key], 0);
  const precision = ratio(sum("matchedFindings"), sum("findings"));
  const recall = ratio(sum("found"), sum("expected"));
  const f1 = precision === null || recall === null
    ? null
    : precision + recall === 0
    ? 0
    : round((2 * precision * recall) / (precision + recall));
  return { precision, recall, f1, lineAccuracy: ratio(sum("exactLine"), sum("matchedFindings")) };
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : round(n / d);
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
