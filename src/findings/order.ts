/**
 * The one order findings are listed in, wherever Loom lists them (summary comment, terminal
 * report, SARIF log).
 * @module
 */

import { type Finding, SEVERITIES } from "./finding.ts";

/**
 * Orders findings by place: path, line, then most severe first, then pipeline, title,
 * fingerprint and body. Every field takes part, so the order depends only on the findings'
 * content, never on the order they came in: an unchanged review lists the same text, and its
 * comment is not edited needlessly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareFindings, type Finding } from "./mod.ts";
 *
 * const at = (path: string, line: number): Finding => ({
 *   path, line, severity: "warning", pipeline: "security", title: "t", body: "",
 *   fingerprint: "0", inDiff: true,
 * });
 * const sorted = [at("b.ts", 1), at("a.ts", 9), at("a.ts", 2)].sort(compareFindings);
 * assert.deepEqual(sorted.map((f) => `${f.path}:${f.line}`), ["a.ts:2", "a.ts:9", "b.ts:1"]);
 * ```
 */
export function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.path, b.path) || a.line - b.line ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    compareText(a.pipeline, b.pipeline) || compareText(a.title, b.title) ||
    compareText(a.fingerprint, b.fingerprint) || compareText(a.body, b.body);
}

/**
 * Compares strings by code unit, not by locale: the same everywhere Loom runs, so sorted output
 * does not change with the server's locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
