/**
 * Whether a finding is the one a case expects, and a case's tally of hits, misses and noise.
 * @module
 */
import type { Finding } from "../findings/mod.ts";
import type { Expected } from "./eval_case.ts";

/** Lines a finding may sit outside the expected range and still count: models miss by a line. */
export const LINE_SLACK = 2;

/** How one case came out. */
export interface CaseTally {
  /** Findings that match some expected finding. */
  matchedFindings: number;
  /** Of those, the ones whose line lies inside the exact expected range. */
  exactLine: number;
  /** Findings that match nothing the case expects. */
  falsePositives: number;
  /** Expected findings that at least one finding matches. */
  found: number;
  /** Expected findings no finding matches. */
  missed: Expected[];
  findings: number;
  expected: number;
}

/**
 * True when `finding` is about `expected`: the same path, its line within the expected range
 * widened by {@link LINE_SLACK} on each side, and, when the expectation lists keywords, one of
 * them (case-insensitive) in the finding's title or body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matches } from "./match.ts";
 *
 * const expected = { path: "db.py", lines: [10, 11] as [number, number], keywords: ["SQL"] };
 * const finding = { path: "db.py", line: 13, title: "SQL injection", body: "" };
 * assert.equal(matches(finding, expected), true);
 * assert.equal(matches({ ...finding, line: 14 }, expected), false);
 * assert.equal(matches({ ...finding, title: "Unused import" }, expected), false);
 * ```
 */
export function matches(
  finding: Pick<Finding, "path" | "line" | "title" | "body">,
  expected: Expected,
): boolean {
  if (finding.path !== expected.path) return false;
  const [from, to] = expected.lines;
  if (finding.line < from - LINE_SLACK || finding.line > to + LINE_SLACK) return false;
  if (expected.keywords.length === 0) return true;
  const text = `${finding.title}\n${finding.body}`.toLowerCase();
  return expected.keywords.some((k) => text.includes(k.toLowerCase()));
}

/**
 * Tallies one case. A finding counts once, as a hit when it matches any expectation (two
 * pipelines naming one bug in different words are both right, not one right and one noise) and
 * as a false positive otherwise; an expectation is found when any finding matches it.
 */
export function tallyCase(
  findings: readonly Pick<Finding, "path" | "line" | "title" | "body">[],
  expected: readonly Expected[],
): CaseTally {
  const foundSet = new Set<number>();
  let matchedFindings = 0;
  let exactLine = 0;
  for (const f of findings) {
    const hits = expected.flatMap((e, i) => matches(f, e) ? [i] : []);
    if (hits.length === 0) continue;
    matchedFindings++;
    for (const i of hits) foundSet.add(i);
    if (hits.some((i) => f.line >= expected[i].lines[0] && f.line <= expected[i].lines[1])) {
      exactLine++;
    }
  }
  return {
    matchedFindings,
    exactLine,
    falsePositives: findings.length - matchedFindings,
    found: foundSet.size,
    missed: expected.filter((_, i) => !foundSet.has(i)),
    findings: findings.length,
    expected: expected.length,
  };
}
