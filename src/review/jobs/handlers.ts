/**
 * The review flow's handlers by job kind, for the worker pool.
 * @module
 */
import { jobHandlers, type ReviewFlowKind } from "../../jobs.ts";
import type { JobHandler } from "../../worker/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { pipelineJob } from "./pipeline_job.ts";
import { publishJob } from "./publish_job.ts";
import { closeJob } from "./close_job.ts";
import { commandJob } from "./command_job.ts";
import { replyJob } from "./reply_job.ts";
import { resolveJob } from "./resolve_job.ts";
import { reviewJob } from "./review_job.ts";

/** Every review-flow job kind's handler, each parsing its payload before it runs. */
export function reviewHandlers(deps: ReviewJobDeps): Record<ReviewFlowKind, JobHandler> {
  return jobHandlers<ReviewFlowKind>({
    review: reviewJob(deps),
    pipeline: pipelineJob(deps),
    publish: publishJob(deps),
    reply: replyJob(deps),
    resolve: resolveJob(deps),
    command: commandJob(deps),
    close: closeJob(deps),
  });
}
