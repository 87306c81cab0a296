/**
 * Pipeline outcomes to and from the store's pipeline runs: the pipeline job writes them, the
 * publish job reads them.
 * @module
 */
import type { PipelineRunRecord, ReviewStore } from "../../store/mod.ts";
import type { Finding } from "../../findings/mod.ts";
import type { PipelineOutcome, Verification } from "../run_pipeline.ts";
import type { DroppedFinding } from "../verify.ts";

// Findings the second look dropped are stored among the run's findings with this marker (and
// their score), so the admin API shows them; they are split off again on the way out.
type StoredFinding = Finding | DroppedFinding;

function isDropped(f: StoredFinding): f is DroppedFinding {
  return (f as Partial<DroppedFinding>).dropped === true;
}

/** The stored outcomes of a review's pipelines, as the review engine reads them. */
export async function pipelineOutcomes(
  store: ReviewStore,
  reviewId: number,
): Promise<PipelineOutcome[]> {
  const runs = await store.listPipelineRuns<StoredFinding>(reviewId);
  return runs.map((r) => ({
    name: r.pipeline,
    model: r.model,
    status: r.status,
    error: r.error ?? undefined,
    ...(r.errorDetail ? { errorDetail: r.errorDetail } : {}),
    findings: r.findings.filter((f) => !isDropped(f)),
    dropped: r.findings.filter(isDropped),
    ...(r.answeredBy ? { answeredBy: r.answeredBy } : {}),
    ...(r.modelFailures ? { modelFailures: r.modelFailures } : {}),
    // Written by toRunRecord below from a Verification.
    ...(r.verification ? { verification: r.verification as unknown as Verification } : {}),
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
export function toRunRecord(o: PipelineOutcome): PipelineRunRecord<StoredFinding> {
  return {
    pipeline: o.name,
    model: o.model,
    status: o.status,
    error: o.error ?? null,
    errorDetail: o.errorDetail ?? null,
    findings: [...o.findings, ...(o.dropped ?? [])],
    droppedUnknownPath: o.droppedUnknownPath,
    promptTokens: o.usage.promptTokens,
    completionTokens: o.usage.completionTokens,
    llmCalls: o.usage.calls,
    durationMs: o.durationMs,
    ...(o.answeredBy ? { answeredBy: o.answeredBy } : {}),
    ...(o.modelFailures ? { modelFailures: o.modelFailures } : {}),
    ...(o.verification ? { verification: { ...o.verification } } : {}),
  };
}
