/**
 * A problem with the given settings, and how problems are shown to the operator.
 * @module
 */

/** One thing wrong with the given settings, phrased for the operator who has to fix it. */
export interface SettingProblem {
  /** Where the bad value came from: `--port`, `LOOM_PORT` or `loom.yaml: port`. */
  name: string;
  /**
   * The value as given, secrets shown as `***`. Absent when the problem is not about one value
   * (a YAML syntax error, an unknown key that might hold a mistyped secret).
   */
  value?: string;
  /** What is wrong, and what would be right. */
  message: string;
}

/**
 * Renders problems one per line, value quoted so blanks and spaces are visible.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProblems } from "./problem.ts";
 *
 * const problem = { name: "LOOM_PORT", value: "abc", message: "must be an integer 0-65535" };
 * assert.equal(formatProblems([problem]), 'LOOM_PORT="abc": must be an integer 0-65535');
 * ```
 */
export function formatProblems(problems: SettingProblem[]): string {
  return problems
    .map((p) =>
      p.value === undefined
        ? `${p.name}: ${p.message}`
        : `${p.name}=${JSON.stringify(p.value)}: ${p.message}`
    )
    .join("\n");
}
