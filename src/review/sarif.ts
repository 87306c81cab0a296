/**
 * Findings as SARIF 2.1.0, for code-scanning dashboards (`loom review --format sarif`).
 * @module
 */

import { compareFindings, compareText, type Finding, type Severity } from "../findings/mod.ts";

/** The SARIF log {@link toSarif} produces: the subset of SARIF 2.1.0 Loom fills in. */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri?: string;
        rules: { id: string; shortDescription: { text: string } }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: "error" | "warning" | "note";
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId: string };
          region: { startLine: number; endLine: number };
        };
      }[];
      partialFingerprints: Record<string, string>;
      properties: { inDiff: boolean };
    }[];
  }[];
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  blocker: "error",
  warning: "warning",
  info: "note",
};

/**
 * Converts findings to a SARIF 2.1.0 log with one run.
 *
 * There is one rule per pipeline (rule id = pipeline name): titles are free text that models
 * reword from run to run, so a rule per title would flood dashboards with one-off rules; the
 * title leads the result's message instead. Locations are repository-relative URIs (each path
 * segment percent-encoded) against `%SRCROOT%`. The fingerprint goes in `partialFingerprints`
 * under `loom/v1`, so dashboards track a finding across line shifts as Loom does. Rules and
 * results are sorted, so the same findings give the same log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSarif } from "./sarif.ts";
 *
 * const log = toSarif([{
 *   path: "src/db.ts", line: 12, severity: "blocker", pipeline: "security",
 *   title: "SQL injection", body: "Bind the parameter.", fingerprint: "3f1c0a9b8d7e6f50",
 *   inDiff: true,
 * }], { version: "1.2.3" });
 * const [run] = log.runs;
 * assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ["security"]);
 * assert.equal(run.results[0].level, "error");
 * assert.deepEqual(run.results[0].partialFingerprints, { "loom/v1": "3f1c0a9b8d7e6f50" });
 * ```
 */
export function toSarif(
  findings: readonly Finding[],
  tool: { version: string; informationUri?: string },
): SarifLog {
  const sorted = [...findings].sort(compareFindings);
  const ruleIds = [...new Set(sorted.map((f) => f.pipeline))].sort(compareText);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "Loom",
          version: tool.version,
          ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
          rules: ruleIds.map((id) => ({
            id,
            shortDescription: { text: `Findings of the Loom review pipeline "${id}".` },
          })),
        },
      },
      results: sorted.map((f) => ({
        ruleId: f.pipeline,
        ruleIndex: ruleIndex.get(f.pipeline)!,
        level: LEVEL[f.severity],
        message: { text: f.body.trim() ? `${f.title}\n\n${f.body.trim()}` : f.title },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: toUri(f.path), uriBaseId: "%SRCROOT%" },
            region: { startLine: f.line, endLine: f.end_line ?? f.line },
          },
        }],
        partialFingerprints: { "loom/v1": f.fingerprint },
        properties: { inDiff: f.inDiff },
      })),
    }],
  };
}

function toUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
