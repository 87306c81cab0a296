/**
 * How a review's pipelines end, whatever ends them: a run the pipeline stored, a pipeline job
 * that failed for good (recorded as a failed run), or one the queue declared dead or cancelled
 * behind its back (a lease that expired on its last attempt, a crash): the publish job, when it
 * wakes, records those as failed runs too. Either way every pipeline ends, so every review is
 * published.
 * @module
 */
import { enqueueJob, type JobPayload } from "../../jobs.ts";
import type { Job } from "../../queue/mod.ts";
import type { PipelinePlan, ReviewPlan } from "../plan.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { toRunRecord } from "./pipeline_runs.ts";
import { expectedRuns, type ReviewInputs } from "./review_inputs.ts";

/**
 * The dedupe key of review `reviewId`'s publish job: one per review. The prune's sweep
 * (`store/end_orphaned_reviews.ts`) builds the same key in SQL.
 */
export function publishDedupeKey(reviewId: number): string {
  return `publish:${reviewId}`;
}

/** The dedupe key of review `reviewId`'s pipeline `name`: one job per pipeline. */
export function pipelineDedupeKey(reviewId: number, name: string): string {
  return `pipeline:${reviewId}:${name}`;
}

/**
 * Stores a failed run of `pipeline`: the summary lists it as failed and, when every pipeline
 * failed, the status says error. `why` is for the operator (the log, the admin API), never shown
 * on the pull request.
 */
export async function recordFailedRun(
  deps: ReviewJobDeps,
  reviewId: number,
  pipeline: PipelinePlan,
  inputs: ReviewInputs,
  why: string,
): Promise<void> {
  const model = inputs.config.models[pipeline.modelName];
  const run = toRunRecord({
    name: pipeline.name,
    model: `${pipeline.modelName} (${model?.model ?? "unknown"})`,
    status: "failed",
    error: "the pipeline's job failed for good; see the server's log",
    errorDetail: why,
    findings: [],
    droppedUnknownPath: 0,
    usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
    durationMs: 0,
  });
  await deps.store.savePipelineRun(reviewId, run, (deps.now ?? Date.now)());
}

/**
 * Records as failed every pipeline of the review that has no run and whose job the queue ended
 * without one (dead or cancelled); true when every pipeline has now ended.
 */
export async function settleEndedPipelines(
  deps: ReviewJobDeps,
  reviewId: number,
  { inputs, plan }: { inputs: ReviewInputs; plan: ReviewPlan },
): Promise<boolean> {
  const expected = expectedRuns(plan);
  if (await deps.store.countPipelineRuns(reviewId) >= expected) return true;
  const ran = new Set((await deps.store.listPipelineRuns(reviewId)).map((r) => r.pipeline));
  for (const pipeline of plan.pipelines) {
    if (ran.has(pipeline.name)) continue;
    const job = await deps.queue.byDedupeKey(pipelineDedupeKey(reviewId, pipeline.name));
    if (!job || (job.status !== "dead" && job.status !== "cancelled")) continue;
    await recordFailedRun(
      deps,
      reviewId,
      pipeline,
      inputs,
      `job ${job.id} ${job.status}: ${job.lastError ?? ""}`,
    );
  }
  return await deps.store.countPipelineRuns(reviewId) >= expected;
}

/**
 * Lets the review's waiting publish job run once every pipeline has ended. The review job queued
 * it; enqueueing under its key finds it (or, should it have died, queues it afresh) and resumes
 * it.
 */
export async function publishWhenAllEnded(
  deps: ReviewJobDeps,
  job: Job<JobPayload<"pipeline">>,
  plan: ReviewPlan,
): Promise<void> {
  const { reviewId, repo, pr, headSha } = job.payload;
  if (await deps.store.countPipelineRuns(reviewId) < expectedRuns(plan)) return;
  const publish = await enqueueJob(deps.queue, "publish", "high", {
    reviewId,
    repo,
    pr,
    headSha,
    outcome: "reviewed",
    pendingShown: true,
  }, { groupKey: job.groupKey ?? undefined, dedupeKey: publishDedupeKey(reviewId) });
  if (!publish.created) await deps.queue.resume(publish.id);
}

/**
 * Whether this failure ends the job (a permanent error, no attempt left, a rate limit past its
 * wait budget) rather than sending it back to the queue: the pipeline, review and publish jobs
 * then end what no later run will.
 */
export function isLastFailure(deps: ReviewJobDeps, job: Job, error: unknown): boolean {
  return !deps.queue.willRetry(job, error);
}
