import { type Finding, SEVERITIES, type Severity } from "./finding.ts";

/**
 * How many findings there are of each severity, every severity present (0 when none), in
 * {@link SEVERITIES} order: what the summary comment and the terminal report lead or end with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countBySeverity } from "./severity_counts.ts";
 *
 * assert.deepEqual(countBySeverity([]), [["blocker", 0], ["warning", 0], ["info", 0]]);
 * ```
 */
export function countBySeverity(findings: readonly Finding[]): [Severity, number][] {
  const n: Record<Severity, number> = { blocker: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  return SEVERITIES.map((s) => [s, n[s]]);
}
