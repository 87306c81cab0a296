/**
 * The `review` job: from a pull request event to one `pipeline` job per pipeline.
 *
 * It reads the pull request, the config from its base branch, applies the triggers, fetches the
 * diff, stores what the pipeline jobs share, sets the commit status to pending and fans out, one
 * job per pipeline in the lane of its severity (blocker → high, warning → normal, info → low).
 * @module
 */
import picomatch from "picomatch";
import { sql } from "kysely";
import { PlatformError, type PullRequest } from "../../platform/mod.ts";
import type { ReviewJobPayload } from "../../intake.ts";
import { PermanentError, RetryableError } from "../../queue/mod.ts";
import type { Job, Lane } from "../../queue/mod.ts";
import { formatConfigError } from "../../repo_config/mod.ts";
import type { HandlerContext } from "../../worker/pool.ts";
import type { Severity } from "../../findings/mod.ts";
import { planReview } from "../plan.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { enqueuePublish, type PipelineJobPayload } from "./pipeline_job.ts";
import { CONFIG_PATH, repoSetupAt } from "./repo_config_at.ts";
import { saveReviewInputs } from "./review_inputs.ts";
import { postSummaryComment } from "./summary_comment.ts";

const LANE_OF: Record<Severity, Lane> = { blocker: "high", warning: "normal", info: "low" };

/** The handler of `review` jobs. */
export function reviewJob(deps: ReviewJobDeps) {
  return async (job: Job, { signal }: HandlerContext): Promise<void> => {
    const payload = job.payload as ReviewJobPayload;
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const log = deps.log.with({ job_id: job.id, repo: payload.repo.fullName, pr: payload.pr });
    const now = deps.now ?? Date.now;

    let pr: PullRequest;
    try {
      pr = await adapter.getPullRequest(payload.repo, payload.pr);
    } catch (error) {
      if (error instanceof PlatformError && error.status === 404) {
        throw new PermanentError(error.message);
      }
      throw error;
    }
    if (pr.state !== "open") return log.info("review skipped: pull request not open");
    if (payload.headSha && pr.headSha !== payload.headSha) {
      // Either a newer push is on its way through its own delivery (reviewing this head is moot),
      // or the platform's API does not show the pushed head yet (GitLab builds the new diff
      // version after its hook fires): look once more before giving up on this head.
      if (job.attempts === 1) {
        throw new RetryableError(
          `the platform shows head ${pr.headSha.slice(0, 12)}, not ${payload.headSha.slice(0, 12)}`,
          { retryAfterMs: 3_000 },
        );
      }
      return log.info("review skipped: head moved on", { head: pr.headSha });
    }
    signal.throwIfAborted();

    const setup = await repoSetupAt(adapter, payload.repo, pr.baseRef, deps.policy, deps.llm);
    const reviewId = await reviewRowFor(deps, job, payload, pr, now());
    if (!setup.ok) {
      const lines = setup.errors.map((e) => `- \`${formatConfigError(e)}\``).join("\n");
      const body = `## Loom review\n\n**Loom could not review this pull request:** the review ` +
        `config on \`${pr.baseRef}\` has errors.\n\n${lines}\n\nFix \`${CONFIG_PATH}\` on ` +
        `\`${pr.baseRef}\`, then comment \`/loom review\`.`;
      await postSummaryComment(deps, adapter, payload.repo, pr, reviewId, body);
      await adapter.setStatus(payload.repo, pr, {
        state: "error",
        description: "Loom: the review config has errors",
      });
      await finishReviewRow(deps, reviewId, "failed", now(), { error: "config errors" });
      return;
    }
    const { config, templates } = setup;
    const triggered = payload.trigger === "command";
    if (!triggered && pr.draft && !config.triggers.drafts) {
      await finishReviewRow(deps, reviewId, "skipped", now(), {
        error: "draft pull request (triggers.drafts is false)",
      });
      return log.info("review skipped: draft");
    }
    const branches = config.triggers.branches;
    if (!triggered && branches.length > 0 && !picomatch(branches)(pr.baseRef)) {
      await finishReviewRow(deps, reviewId, "skipped", now(), {
        error: `base branch ${pr.baseRef} not in triggers.branches`,
      });
      return log.info("review skipped: base branch not in triggers.branches");
    }

    await adapter.setStatus(payload.repo, pr, {
      state: "pending",
      description: "Loom is reviewing",
    });
    const diff = await adapter.fetchDiff(payload.repo, pr);
    signal.throwIfAborted();
    const change = {
      title: pr.title,
      description: pr.description,
      repo: payload.repo.fullName,
      baseBranch: pr.baseRef,
      headBranch: pr.headRef,
    };
    await saveReviewInputs(deps.store, reviewId, { diff, config, templates, change });
    const plan = planReview({ diff, config, templates, change });
    const common = { reviewId, repo: payload.repo, pr: payload.pr, headSha: pr.headSha };
    const group = job.groupKey ?? undefined;
    if (plan.pipelines.length === 0 || plan.skippedReason) {
      await enqueuePublish(deps, common, group);
      return;
    }
    for (const pipeline of plan.pipelines) {
      const pipelinePayload: PipelineJobPayload = { ...common, pipeline: pipeline.name };
      await deps.queue.enqueue("pipeline", LANE_OF[pipeline.severity], pipelinePayload, {
        groupKey: group,
        dedupeKey: `pipeline:${reviewId}:${pipeline.name}`,
      });
    }
    log.info("review planned", {
      review_id: reviewId,
      pipelines: plan.pipelines.map((p) => `${p.name}:${p.calls.length}`),
    });
  };
}

/** The review row of this job, created on its first attempt and reused by retries. */
async function reviewRowFor(
  deps: ReviewJobDeps,
  job: Job,
  payload: ReviewJobPayload,
  pr: PullRequest,
  now: number,
): Promise<number> {
  const existing = await sql<{ id: number }>`select id from reviews where job_id = ${job.id}`
    .execute(deps.store.db);
  if (existing.rows[0]) return Number(existing.rows[0].id);
  const inserted = await sql<{ id: number }>`
    insert into reviews (platform, repository, pr_number, head_sha, base_sha, status, trigger,
                         job_id, pr_title, created_at)
    values (${payload.repo.platform}, ${payload.repo.fullName}, ${payload.pr}, ${pr.headSha},
            ${pr.baseSha}, 'running', ${payload.trigger}, ${job.id}, ${pr.title}, ${now})
    returning id`.execute(deps.store.db);
  return Number(inserted.rows[0].id);
}

/** Marks a review finished with `status`. */
export async function finishReviewRow(
  deps: ReviewJobDeps,
  reviewId: number,
  status: string,
  now: number,
  fields: { error?: string; summary?: string } = {},
) {
  await sql`
    update reviews set status = ${status}, error = ${fields.error ?? null},
      summary = coalesce(${fields.summary ?? null}, summary), finished_at = ${now},
      duration_ms = ${now} - created_at
    where id = ${reviewId}`.execute(deps.store.db);
}
