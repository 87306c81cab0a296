/**
 * The `pipeline` job: one pipeline of one review against its model. Its outcome is stored; the
 * last pipeline of a review to end — with a result or failed for good — lets the review's waiting
 * `publish` job run.
 * @module
 */
import type { TypedHandler } from "../../jobs.ts";
import { recordTranscripts } from "../../llm/mod.ts";
import { errorMessage } from "../../queue/mod.ts";
import { MAX_TRANSCRIPT_CALLS, MAX_TRANSCRIPT_CHARS } from "../../store/mod.ts";
import { pipelineModels } from "../pipeline_models.ts";
import { type ModelSpend, runPipeline } from "../run_pipeline.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { isLastFailure, publishWhenAllEnded, recordFailedRun } from "./pipeline_endings.ts";
import { toRunRecord } from "./pipeline_runs.ts";
import { recordSpend } from "./record_spend.ts";
import { anchorFiles, loadReviewPlan } from "./review_inputs.ts";

/** The handler of `pipeline` jobs. */
export function pipelineJob(deps: ReviewJobDeps): TypedHandler<"pipeline"> {
  return async (job, { signal }) => {
    const { payload } = job;
    const { inputs, plan } = await loadReviewPlan(deps.store, payload.reviewId);
    const pipelinePlan = plan.pipelines.find((p) => p.name === payload.pipeline);
    if (!pipelinePlan) {
      throw new Error(`review ${payload.reviewId} has no pipeline ${payload.pipeline}`);
    }
    // Every request's spend, kept whatever ends the run: a retried run's earlier requests were
    // paid for too.
    const spend: ModelSpend[] = [];
    // Every model call's prompt and raw answer, for the dashboard's review page (redacted).
    const transcript = recordTranscripts(deps.fetch ?? fetch, {
      maxChars: MAX_TRANSCRIPT_CHARS,
      maxCalls: MAX_TRANSCRIPT_CALLS,
    });
    const saveTranscript = () =>
      deps.store.saveTranscripts(
        payload.reviewId,
        pipelinePlan.name,
        transcript.calls(),
        now(deps),
      );
    try {
      const models = pipelineModels(inputs.config, pipelinePlan.name, deps.env);
      // Retryable errors of the pipeline's model (429, 5xx, timeouts) go back to the queue
      // while it will retry them. Once it would not (the last attempt, a rate limit past its
      // wait budget) the fallbacks are asked, and without them the failure is recorded so the
      // review still gets published: "after its retries" means the queue's retries.
      const outcome = await runPipeline(pipelinePlan, {
        files: anchorFiles(inputs, plan),
        ...models,
        signal,
        fetch: transcript.fetch,
        maxResponseBytes: deps.llm.maxResponseBytes,
        limiter: deps.limiter,
        rethrowRetryable: (error) => deps.queue.willRetry(job, error),
        onSpend: (s) => void spend.push(s),
      });
      await recordSpend(deps, payload, spend.splice(0), now(deps));
      await deps.store.savePipelineRun(payload.reviewId, toRunRecord(outcome), now(deps));
      await saveTranscript();
      deps.log.info("pipeline ended", {
        job_id: job.id,
        review_id: payload.reviewId,
        pipeline: outcome.name,
        status: outcome.status,
        findings: outcome.findings.length,
        calls: outcome.usage.calls,
        answered_by: outcome.answeredBy,
        model_failures: outcome.modelFailures,
        verification: outcome.verification,
        error: outcome.error,
        // What the endpoint said, redacted: for the operator, never for the pull request.
        error_detail: outcome.errorDetail,
      });
    } catch (error) {
      // Recorded before anything else can fail: the requests were paid for.
      await recordSpend(deps, payload, spend.splice(0), now(deps));
      // Any other failure that ends the job (a permanent error, the last attempt, an abort) is
      // still an ending: recorded as a failed run, so the review is published rather than left
      // waiting on a pipeline that will never report.
      if (signal.aborted || !isLastFailure(deps, job, error)) throw error;
      await recordFailedRun(deps, payload.reviewId, pipelinePlan, inputs, errorMessage(error));
      await saveTranscript();
      deps.log.warn("pipeline failed for good", {
        job_id: job.id,
        review_id: payload.reviewId,
        pipeline: payload.pipeline,
        error: errorMessage(error),
      });
      await publishWhenAllEnded(deps, job, plan);
      throw error;
    }
    await publishWhenAllEnded(deps, job, plan);
  };
}

function now(deps: ReviewJobDeps): number {
  return (deps.now ?? Date.now)();
}
