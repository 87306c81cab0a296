/**
 * Review findings: their shape as a model reports them and as Loom posts them, and the order they
 * are listed in. Below `src/llm/`, `src/repo_config/` and `src/review/`, which all speak of them.
 * @module
 */

export type { Finding, RawFinding, Severity } from "./finding.ts";
export { SEVERITIES } from "./finding.ts";
export { compareFindings, compareText } from "./order.ts";
export { countBySeverity } from "./severity_counts.ts";
