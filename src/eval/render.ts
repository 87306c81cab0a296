/**
 * An evaluation run shown to a person (a table of cases, then the totals) or to a script (one
 * JSON line, to compare models and prompts over time).
 * @module
 */
import type { EvalReport } from "./run_eval.ts";

/**
 * The one JSON line `loom eval --format json` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evalJsonLine } from "./render.ts";
 *
 * const line = evalJsonLine({
 *   precision: 1, recall: 0.5, f1: 0.6667, lineAccuracy: 1, cases: [], promptTokens: 10,
 *   completionTokens: 2, wallMs: 5, models: ["default (m)"],
 * });
 * assert.equal(
 *   line,
 *   '{"cases":0,"precision":1,"recall":0.5,"f1":0.6667,"line_accuracy":1,"prompt_tokens":10,' +
 *     '"completion_tokens":2,"wall_ms":5,"model":"default (m)","failed_pipelines":0}',
 * );
 * ```
 */
export function evalJsonLine(report: EvalReport): string {
  return JSON.stringify({
    cases: report.cases.length,
    precision: report.precision,
    recall: report.recall,
    f1: report.f1,
    line_accuracy: report.lineAccuracy,
    prompt_tokens: report.promptTokens,
    completion_tokens: report.completionTokens,
    wall_ms: report.wallMs,
    model: report.models.join(", "),
    failed_pipelines: report.cases.reduce((n, c) => n + c.failed.length, 0),
  });
}

/** The readable report: one row per case, what was missed, then the figures. */
export function evalTable(report: EvalReport): string {
  const header = ["case", "language", "kind", "expected", "found", "findings", "false+", "result"];
  const rows = report.cases.map((c) => {
    const t = c.tally;
    const verdict = c.failed.length > 0
      ? "FAILED"
      : t.found === t.expected && t.falsePositives === 0
      ? "ok"
      : t.found < t.expected
      ? "missed"
      : "noisy";
    return [
      c.id,
      c.language,
      c.kind,
      String(t.expected),
      String(t.found),
      String(t.findings),
      String(t.falsePositives),
      verdict,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  for (const c of report.cases) {
    for (const m of c.tally.missed) {
      out.push(`missed ${c.id}: ${m.path}:${m.lines[0]}-${m.lines[1]} (${m.keywords.join(", ")})`);
    }
    for (const f of c.failed) out.push(`failed ${c.id}: ${f.pipeline}: ${f.error}`);
  }
  const pct = (x: number | null) => x === null ? "n/a" : `${(x * 100).toFixed(1)}%`;
  out.push(
    "",
    `cases ${report.cases.length}  precision ${pct(report.precision)}  recall ${
      pct(report.recall)
    }  F1 ${pct(report.f1)}  line accuracy ${pct(report.lineAccuracy)}`,
    `tokens ${report.promptTokens} prompt + ${report.completionTokens} completion  time ${
      (report.wallMs / 1000).toFixed(1)
    } s  model ${report.models.join(", ") || "(none)"}`,
  );
  return out.join("\n");
}
