/**
 * Removing findings that several pipelines (or one pipeline twice) reported about the same thing.
 * @module
 */

import { normaliseTitle } from "./anchor.ts";
import { type Finding, SEVERITIES } from "../findings/mod.ts";

/**
 * Collapses duplicate findings from all pipelines of a review, keeping the most severe of each
 * group and, on equal severity, the one that came first (so pipeline order decides, and the
 * kept fingerprint stays the same from run to run).
 *
 * Two findings are duplicates when they share a fingerprint (same pipeline, path, normalised
 * title and code), or when they sit on the same path and line with the same normalised title:
 * two pipelines naming one problem in the same words on the same line would otherwise post two
 * comments. Findings on the same line with different titles are kept: they are different
 * problems. The kept finding is left as it was (its pipeline, body and fingerprint).
 *
 * The result keeps the order of each group's first appearance. Linear in the findings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Finding } from "../findings/mod.ts";
 * import { dedupeFindings } from "./dedupe.ts";
 *
 * const on12 = (pipeline: string, severity: Finding["severity"], title: string): Finding => ({
 *   path: "src/db.ts", line: 12, severity, pipeline, title, body: "", fingerprint: title,
 *   inDiff: true,
 * });
 * const kept = dedupeFindings([
 *   on12("style", "warning", "SQL injection"),
 *   on12("security", "blocker", "SQL-injection"),
 *   on12("style", "info", "Long line"),
 * ]);
 * assert.deepEqual(kept.map((f) => [f.pipeline, f.title]), [
 *   ["security", "SQL-injection"],
 *   ["style", "Long line"],
 * ]);
 * ```
 */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const byFingerprint = collapse(findings, (f) => f.fingerprint);
  return collapse(byFingerprint, (f) => JSON.stringify([f.path, f.line, normaliseTitle(f.title)]));
}

function collapse(findings: readonly Finding[], keyOf: (f: Finding) => string): Finding[] {
  const out: Finding[] = [];
  const slot = new Map<string, number>();
  for (const f of findings) {
    const key = keyOf(f);
    const i = slot.get(key);
    if (i === undefined) {
      slot.set(key, out.length);
      out.push(f);
    } else if (SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(out[i].severity)) {
      out[i] = f;
    }
  }
  return out;
}
