/**
 * listPipelineRuns: the stored outcomes of a review's pipelines, by pipeline name.
 * @module
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { PipelineRunsTable, Tables } from "../db/mod.ts";
import type { PipelineRunRecord } from "./pipeline_run.ts";
import { nullableNumber } from "./review_row.ts";

/** Review `reviewId`'s runs, ordered by pipeline name. */
export async function listPipelineRuns<F = unknown>(
  db: Kysely<Tables>,
  reviewId: number,
): Promise<PipelineRunRecord<F>[]> {
  const rows = await sql<Selectable<PipelineRunsTable>>`
    select * from pipeline_runs where review_id = ${reviewId} order by pipeline`.execute(db);
  return rows.rows.map((r) => {
    // Written by savePipelineRun from the same type: the store trusts its own JSON.
    const stored:
      & Pick<
        PipelineRunRecord<F>,
        "findings" | "droppedUnknownPath" | "answeredBy" | "modelFailures" | "verification"
      >
      & { errorDetail?: string } = JSON.parse(r.findings);
    return {
      pipeline: r.pipeline,
      model: r.model,
      status: r.status,
      error: r.error,
      ...(stored.errorDetail ? { errorDetail: stored.errorDetail } : {}),
      findings: stored.findings,
      droppedUnknownPath: stored.droppedUnknownPath,
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      llmCalls: Number(r.llm_calls),
      durationMs: nullableNumber(r.duration_ms),
      ...(stored.answeredBy ? { answeredBy: stored.answeredBy } : {}),
      ...(stored.modelFailures ? { modelFailures: stored.modelFailures } : {}),
      ...(stored.verification ? { verification: stored.verification } : {}),
    };
  });
}
