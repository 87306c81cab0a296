/**
 * The server's review jobs: `review` → one `pipeline` per pipeline → `publish`, and `reply`.
 * @module
 */
import type { JobHandler } from "../../worker/pool.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { pipelineJob } from "./pipeline_job.ts";
import { publishJob } from "./publish_job.ts";
import { replyJob } from "./reply_job.ts";
import { reviewJob } from "./review_job.ts";

export type { ReviewJobDeps } from "./deps.ts";

/** The handlers by job kind, for the worker pool. */
export function reviewHandlers(deps: ReviewJobDeps): Record<string, JobHandler> {
  return {
    review: reviewJob(deps),
    pipeline: pipelineJob(deps),
    publish: publishJob(deps),
    reply: replyJob(deps),
  };
}
