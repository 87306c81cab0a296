/**
 * Pipeline outcomes to and from the store's pipeline runs: the pipeline job writes them, the
 * publish job reads them.
 * @module
 */
import type { PipelineRunRecord, ReviewStore } from "../../store/mod.ts";
import type { Finding } from "../../findings/mod.ts";
import type { PipelineOutcome } from "../run_pipeline.ts";

/** The stored outcomes of a review's pipelines, as the review engine reads them. */
export async function pipelineOutcomes(
  store: ReviewStore,
  reviewId: number,
): Promise<PipelineOutcome[]> {
  const runs = await store.listPipelineRuns<Finding>(reviewId);
  return runs.map((r) => ({
    name: r.pipeline,
    model: r.model,
    status: r.status,
    error: r.error ?? undefined,
    ...(r.errorDetail ? { errorDetail: r.errorDetail } : {}),
    findings: r.findings,
    droppedUnknownPath: r.droppedUnknownPath,
    usage: {
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      calls: r.llmCalls,
    },
    durationMs: r.durationMs ?? 0,
  }));
}

/** The run to store for `o`. */
export function toRunRecord(o: PipelineOutcome): PipelineRunRecord<Finding> {
  return {
    pipeline: o.name,
    model: o.model,
    status: o.status,
    error: o.error ?? null,
    errorDetail: o.errorDetail ?? null,
    findings: o.findings,
    droppedUnknownPath: o.droppedUnknownPath,
    promptTokens: o.usage.promptTokens,
    completionTokens: o.usage.completionTokens,
    llmCalls: o.usage.calls,
    durationMs: o.durationMs,
  };
}
