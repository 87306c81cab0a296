/**
 * savePipelineRun: stores a pipeline's outcome; a retried pipeline overwrites its earlier one.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { PipelineRunRecord } from "./pipeline_run.ts";

/** Inserts or replaces `run` of review `reviewId`. */
export async function savePipelineRun<F>(
  db: Kysely<Tables>,
  reviewId: number,
  run: PipelineRunRecord<F>,
  now: number,
): Promise<void> {
  // The error's detail, the fallbacks and the second look ride in the JSON the store does not
  // look inside: no column to migrate.
  const findings = JSON.stringify({
    findings: run.findings,
    droppedUnknownPath: run.droppedUnknownPath,
    ...(run.errorDetail ? { errorDetail: run.errorDetail } : {}),
    ...(run.answeredBy ? { answeredBy: run.answeredBy } : {}),
    ...(run.modelFailures ? { modelFailures: run.modelFailures } : {}),
    ...(run.verification ? { verification: run.verification } : {}),
  });
  await sql`
    insert into pipeline_runs (review_id, pipeline, model, status, findings, prompt_tokens,
                               completion_tokens, llm_calls, duration_ms, error, created_at)
    values (${reviewId}, ${run.pipeline}, ${run.model}, ${run.status}, ${findings},
            ${run.promptTokens}, ${run.completionTokens}, ${run.llmCalls}, ${run.durationMs},
            ${run.error}, ${now})
    on conflict (review_id, pipeline) do update set
      model = excluded.model, status = excluded.status, findings = excluded.findings,
      prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
      llm_calls = excluded.llm_calls, duration_ms = excluded.duration_ms, error = excluded.error`
    .execute(db);
}
