/**
 * Intake: a verified platform event becomes a job, or a reason not to make one. Shared by every
 * platform; it answers within milliseconds, leaving every platform API call to the jobs.
 * @module
 */
import { sql } from "kysely";
import type { PlatformEvent, RepoRef } from "../adapters/types.ts";
import type { Database } from "./db/mod.ts";
import type { Queue } from "./queue/mod.ts";

/** What the webhook answers. */
export type IntakeResult =
  | { status: 202; body: { job_id: number } }
  | { status: 200; body: { ignored: string } | { ok: string; job_id?: number } }
  | { status: 429; body: { error: string }; retryAfterS: number };

/** The payload of a `review` job. */
export interface ReviewJobPayload {
  repo: RepoRef;
  pr: number;
  headSha: string;
  /** What asked for it: opened, new_commits, reopened, ready, or command. */
  trigger: string;
}

/** The payload of a `reply` job: a comment to post on a pull request. */
export interface ReplyJobPayload {
  repo: RepoRef;
  pr: number;
  body: string;
}

/** What intake needs. */
export interface IntakeDeps {
  store: Database;
  queue: Queue;
  /** Reviews per minute per repository. */
  rateLimitPerRepo: number;
  now?: () => number;
}

/** The key grouping the jobs of one pull request. */
export function prGroupKey(repo: RepoRef, pr: number): string {
  return `${repo.platform}:${repo.fullName}#${pr}`;
}

/** The comment `/loom help` answers with. */
export const HELP_TEXT = `**Loom** commands, as a comment on this pull request:

- \`/loom review\`: review the pull request again, now, from scratch.
- \`/loom help\`: show this help.

Loom also reviews every new commit pushed to the pull request. Its settings live in
\`.loom/config.yaml\` on the base branch.`;

/**
 * Handles one verified delivery. A delivery id seen before queues nothing (platforms redeliver);
 * a new head commit supersedes the pull request's unfinished jobs of older heads; a closed pull
 * request cancels its unfinished jobs; each repository gets `rateLimitPerRepo` reviews a minute.
 */
export async function intake(
  deps: IntakeDeps,
  platform: string,
  deliveryId: string | null,
  event: PlatformEvent,
): Promise<IntakeResult> {
  const now = (deps.now ?? Date.now)();
  if (event.type === "ping") return { status: 200, body: { ok: "pong" } };
  if (event.type === "ignored") return { status: 200, body: { ignored: event.reason } };
  const { db } = deps.store;
  const repository = event.repo.fullName;

  if (event.type === "review" || (event.type === "command" && event.command === "review")) {
    const since = now - 60_000;
    const recent = await sql<{ count: number; oldest: number | null }>`
      select count(*) as count, min(received_at) as oldest from webhook_deliveries
      where platform = ${platform} and repository = ${repository} and outcome = 'queued'
        and received_at > ${since}`.execute(db);
    const { count, oldest } = recent.rows[0];
    if (Number(count) >= deps.rateLimitPerRepo) {
      const retryAfterS = Math.max(1, Math.ceil((Number(oldest) + 60_000 - now) / 1000));
      return {
        status: 429,
        body: {
          error: `${repository} reached ${deps.rateLimitPerRepo} reviews per minute ` +
            `(LOOM_RATE_LIMIT_PER_REPO); retry in ${retryAfterS} s`,
        },
        retryAfterS,
      };
    }
  }

  // Claim the delivery id first: of two concurrent copies of one delivery, one gets it.
  if (deliveryId) {
    const claimed = await sql<{ id: number }>`
      insert into webhook_deliveries (platform, delivery_id, event, repository, outcome, received_at)
      values (${platform}, ${deliveryId}, ${event.type}, ${repository}, 'received', ${now})
      on conflict (platform, delivery_id) do nothing
      returning id`.execute(db);
    if (claimed.rows.length === 0) {
      return { status: 200, body: { ignored: `delivery ${deliveryId} was already received` } };
    }
  }
  try {
    const result = await act(deps, event, now);
    if (deliveryId) {
      const jobId = "job_id" in result.body ? result.body.job_id ?? null : null;
      const outcome = result.status === 202 ? "queued" : "ignored";
      const reason = "ignored" in result.body ? result.body.ignored : null;
      await sql`update webhook_deliveries set outcome = ${outcome}, job_id = ${jobId},
        reason = ${reason} where platform = ${platform} and delivery_id = ${deliveryId}`.execute(
        db,
      );
    }
    return result;
  } catch (error) {
    // Free the delivery id so the platform's own retry of this delivery is not ignored.
    if (deliveryId) {
      await sql`delete from webhook_deliveries where platform = ${platform}
        and delivery_id = ${deliveryId}`.execute(db).catch(() => {});
    }
    throw error;
  }
}

async function act(
  deps: IntakeDeps,
  event: Exclude<PlatformEvent, { type: "ping" | "ignored" }>,
  now: number,
): Promise<IntakeResult> {
  const group = prGroupKey(event.repo, event.pr);
  await recordRepository(deps.store, event.repo, now);
  if (event.type === "closed") {
    const cancelled = await deps.queue.cancelGroup(group, "the pull request was closed");
    return { status: 200, body: { ok: `closed: ${cancelled.length} unfinished jobs cancelled` } };
  }
  if (event.type === "command" && event.command === "help") {
    const payload: ReplyJobPayload = { repo: event.repo, pr: event.pr, body: HELP_TEXT };
    const { id } = await deps.queue.enqueue("reply", "high", payload, { groupKey: group });
    return { status: 202, body: { job_id: id } };
  }
  if (event.type === "command") {
    // A full re-review on demand: whatever runs for this pull request now is replaced.
    await deps.queue.cancelGroup(group, "superseded by a /loom review command");
    const payload: ReviewJobPayload = {
      repo: event.repo,
      pr: event.pr,
      headSha: "",
      trigger: "command",
    };
    const { id } = await deps.queue.enqueue("review", "high", payload, { groupKey: group });
    return { status: 202, body: { job_id: id } };
  }
  // Platforms also send "updated" for title or reviewer edits (Bitbucket, Azure DevOps) and
  // GitHub redelivers under new ids: a head already reviewed is not reviewed again unasked.
  const reviewed = await sql<{ id: number }>`
    select id from reviews where platform = ${event.repo.platform}
      and repository = ${event.repo.fullName} and pr_number = ${event.pr}
      and head_sha = ${event.headSha} and status = 'succeeded'
    limit 1`.execute(deps.store.db);
  if (reviewed.rows.length > 0) {
    return {
      status: 200,
      body: {
        ignored: `${
          event.headSha.slice(0, 12)
        } was already reviewed (comment /loom review to review it again)`,
      },
    };
  }
  // A new head commit makes the reviews of older heads moot; the same head's jobs stay.
  await deps.queue.cancelGroup(
    group,
    `superseded by ${event.headSha.slice(0, 12)}`,
    (payload) => (payload as { headSha?: string }).headSha === event.headSha,
  );
  const payload: ReviewJobPayload = {
    repo: event.repo,
    pr: event.pr,
    headSha: event.headSha,
    trigger: event.reason,
  };
  const { id } = await deps.queue.enqueue("review", "normal", payload, {
    groupKey: group,
    dedupeKey: `review:${group}@${event.headSha}`,
  });
  return { status: 202, body: { job_id: id } };
}

async function recordRepository(store: Database, repo: RepoRef, now: number): Promise<void> {
  await sql`
    insert into repositories (platform, full_name, created_at, last_event_at)
    values (${repo.platform}, ${repo.fullName}, ${now}, ${now})
    on conflict (platform, full_name) do update set last_event_at = ${now}`.execute(store.db);
}
