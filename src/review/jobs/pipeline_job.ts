/**
 * The `pipeline` job: one pipeline of one review against its model. Its outcome is stored; the
 * last pipeline of a review to finish lets the review's waiting `publish` job run.
 * @module
 */
import { enqueueJob, type TypedHandler } from "../../jobs.ts";
import { resolveModel } from "../resolve_model.ts";
import { runPipeline } from "../run_pipeline.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { toRunRecord } from "./pipeline_runs.ts";
import { expectedRuns, loadReviewPlan } from "./review_inputs.ts";

/** The handler of `pipeline` jobs. */
export function pipelineJob(deps: ReviewJobDeps): TypedHandler<"pipeline"> {
  return async (job, { signal }) => {
    const { payload } = job;
    const { inputs, plan } = await loadReviewPlan(deps.store, payload.reviewId);
    const pipelinePlan = plan.pipelines.find((p) => p.name === payload.pipeline);
    if (!pipelinePlan) {
      throw new Error(`review ${payload.reviewId} has no pipeline ${payload.pipeline}`);
    }
    const modelConfig = inputs.config.models[pipelinePlan.modelName];
    const spec = resolveModel(pipelinePlan.modelName, modelConfig, deps.env);
    // Retryable model errors (429, 5xx, timeouts) go back to the queue while attempts remain;
    // on the last attempt the failure is recorded so the review still gets published.
    const outcome = await runPipeline(pipelinePlan, {
      files: plan.files,
      spec,
      signal,
      fetch: deps.fetch,
      maxResponseBytes: deps.llm.maxResponseBytes,
      rethrowRetryable: job.attempts < job.maxAttempts,
    });
    await deps.store.savePipelineRun(payload.reviewId, toRunRecord(outcome), now(deps));
    deps.log.info("pipeline ended", {
      job_id: job.id,
      review_id: payload.reviewId,
      pipeline: outcome.name,
      status: outcome.status,
      findings: outcome.findings.length,
      calls: outcome.usage.calls,
      error: outcome.error,
      // What the endpoint said, redacted: for the operator, never for the pull request.
      error_detail: outcome.errorDetail,
    });
    if (await deps.store.countPipelineRuns(payload.reviewId) >= expectedRuns(plan)) {
      // The review job queued the publish job, which waits for this moment. Enqueueing under its
      // key finds it (or, should it have died, queues it afresh) and resumes it.
      const { reviewId, repo, pr, headSha } = payload;
      const publish = await enqueueJob(deps.queue, "publish", "high", {
        reviewId,
        repo,
        pr,
        headSha,
        outcome: "reviewed",
        pendingShown: true,
      }, { groupKey: job.groupKey ?? undefined, dedupeKey: `publish:${reviewId}` });
      if (!publish.created) await deps.queue.resume(publish.id);
    }
  };
}

function now(deps: ReviewJobDeps): number {
  return (deps.now ?? Date.now)();
}
