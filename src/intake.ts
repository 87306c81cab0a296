/**
 * Intake: a verified platform event becomes a job, or a reason not to make one. Shared by every
 * platform; it answers within milliseconds, leaving every platform API call to the jobs.
 * @module
 */
import { sql } from "kysely";
import type { PlatformEvent, RepoRef } from "./platform/mod.ts";
import type { Database } from "./db/mod.ts";
import { createBatcher, type Queue } from "./queue/mod.ts";

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

/** Handles one verified delivery; see {@link createIntake}. */
export type Intake = (
  platform: string,
  deliveryId: string | null,
  event: PlatformEvent,
) => Promise<IntakeResult>;

interface DeliveryRow {
  platform: string;
  deliveryId: string;
  event: string;
  repository: string;
  outcome: string;
  jobId: number | null;
  at: number;
}

/**
 * Creates the intake. A delivery id seen before queues nothing (platforms redeliver); a head
 * already reviewed is not reviewed again unasked; a new head commit supersedes the pull
 * request's unfinished jobs of older heads; a closed pull request cancels its unfinished jobs;
 * each repository gets `rateLimitPerRepo` reviews a minute.
 *
 * The common path is one read of everything intake must know, then two writes that deliveries
 * arriving together share (the enqueue and the delivery record are group-committed), so a burst
 * of webhooks costs a few commits, not two per delivery. Two copies of one delivery racing each
 * other can both pass the read; a review still yields one job (its dedupe key), only a doubled
 * command could run twice.
 *
 * @example
 * const intake = createIntake({ store, queue, rateLimitPerRepo: 30 });
 * const result = await intake("github", deliveryId, event); // { status: 202, body: { job_id } }
 */
export function createIntake(deps: IntakeDeps): Intake {
  const deliveries = createBatcher<DeliveryRow, void>(async (rows) => {
    await sql`
      insert into webhook_deliveries (platform, delivery_id, event, repository, outcome, job_id,
                                      received_at)
      values ${
      sql.join(rows.map((r) =>
        sql`(${r.platform}, ${r.deliveryId}, ${r.event}, ${r.repository}, ${r.outcome},
          ${r.jobId}, ${r.at})`
      ))
    }
      on conflict (platform, delivery_id) do nothing`.execute(deps.store.db);
    return [];
  }, 200);
  const recordRepository = repositoryRecorder(deps.store);

  return async (platform, deliveryId, event) => {
    const now = (deps.now ?? Date.now)();
    if (event.type === "ping") return { status: 200, body: { ok: "pong" } };
    if (event.type === "ignored") return { status: 200, body: { ignored: event.reason } };
    const facts = await lookUp(deps.store, platform, deliveryId, event, now - 60_000);
    if (facts.seen) {
      return { status: 200, body: { ignored: `delivery ${deliveryId} was already received` } };
    }
    const wantsReview = event.type === "review" ||
      (event.type === "command" && event.command === "review");
    if (wantsReview && facts.recent >= deps.rateLimitPerRepo) {
      const retryAfterS = Math.max(1, Math.ceil(((facts.oldest ?? now) + 60_000 - now) / 1000));
      return {
        status: 429,
        body: {
          error: `${event.repo.fullName} reached ${deps.rateLimitPerRepo} reviews per minute ` +
            `(LOOM_RATE_LIMIT_PER_REPO); retry in ${retryAfterS} s`,
        },
        retryAfterS,
      };
    }
    if (event.type === "review" && facts.reviewed) {
      return {
        status: 200,
        body: {
          ignored: `${event.headSha.slice(0, 12)} was already reviewed (comment /loom review to ` +
            `review it again)`,
        },
      };
    }
    await recordRepository(event.repo, now);
    const result = await act(deps, event, facts.active > 0);
    if (deliveryId) {
      await deliveries.add({
        platform,
        deliveryId,
        event: event.type,
        repository: event.repo.fullName,
        outcome: result.status === 202 ? "queued" : "ignored",
        jobId: "job_id" in result.body ? result.body.job_id ?? null : null,
        at: now,
      });
    }
    return result;
  };
}

interface Facts {
  seen: boolean;
  recent: number;
  oldest: number | null;
  reviewed: boolean;
  /** Unfinished jobs of the pull request. */
  active: number;
}

/** Everything intake must know, in one statement. */
async function lookUp(
  store: Database,
  platform: string,
  deliveryId: string | null,
  event: Exclude<PlatformEvent, { type: "ping" | "ignored" }>,
  since: number,
): Promise<Facts> {
  const repository = event.repo.fullName;
  const head = event.type === "review" ? event.headSha : null;
  const row = await sql<{
    seen: number | null;
    recent: number;
    oldest: number | null;
    reviewed: number | null;
    active: number;
  }>`
    select
      (select 1 from webhook_deliveries
        where platform = ${platform} and delivery_id = ${deliveryId}) as seen,
      (select count(*) from webhook_deliveries
        where platform = ${platform} and repository = ${repository} and outcome = 'queued'
          and received_at > ${since}) as recent,
      (select min(received_at) from webhook_deliveries
        where platform = ${platform} and repository = ${repository} and outcome = 'queued'
          and received_at > ${since}) as oldest,
      (select 1 from reviews
        where platform = ${event.repo.platform} and repository = ${repository}
          and pr_number = ${event.pr} and head_sha = ${head} and status = 'succeeded'
        limit 1) as reviewed,
      (select count(*) from jobs
        where group_key = ${prGroupKey(event.repo, event.pr)}
          and status in ('queued', 'running')) as active`.execute(store.db);
  const r = row.rows[0];
  return {
    seen: r.seen !== null,
    recent: Number(r.recent),
    oldest: r.oldest === null ? null : Number(r.oldest),
    reviewed: r.reviewed !== null,
    active: Number(r.active),
  };
}

async function act(
  deps: IntakeDeps,
  event: Exclude<PlatformEvent, { type: "ping" | "ignored" }>,
  hasActiveJobs: boolean,
): Promise<IntakeResult> {
  const group = prGroupKey(event.repo, event.pr);
  if (event.type === "closed") {
    const cancelled = hasActiveJobs
      ? await deps.queue.cancelGroup(group, "the pull request was closed")
      : [];
    return { status: 200, body: { ok: `closed: ${cancelled.length} unfinished jobs cancelled` } };
  }
  if (event.type === "command" && event.command === "help") {
    const payload: ReplyJobPayload = { repo: event.repo, pr: event.pr, body: HELP_TEXT };
    const { id } = await deps.queue.enqueue("reply", "high", payload, { groupKey: group });
    return { status: 202, body: { job_id: id } };
  }
  if (event.type === "command") {
    // A full re-review on demand: whatever runs for this pull request now is replaced.
    if (hasActiveJobs) await deps.queue.cancelGroup(group, "superseded by a /loom review command");
    const payload: ReviewJobPayload = {
      repo: event.repo,
      pr: event.pr,
      headSha: "",
      trigger: "command",
    };
    const { id } = await deps.queue.enqueue("review", "high", payload, { groupKey: group });
    return { status: 202, body: { job_id: id } };
  }
  // A new head commit makes the reviews of older heads moot; the same head's jobs stay.
  if (hasActiveJobs) {
    await deps.queue.cancelGroup(
      group,
      `superseded by ${event.headSha.slice(0, 12)}`,
      (payload) => (payload as { headSha?: string }).headSha === event.headSha,
    );
  }
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

/**
 * Records repositories, at most once a minute each: the table is a directory of who talks to
 * Loom, not a log, and a write per delivery would cost a commit each time.
 */
function repositoryRecorder(store: Database) {
  const recorded = new Map<string, number>();
  return async (repo: RepoRef, now: number): Promise<void> => {
    const key = `${repo.platform}:${repo.fullName}`;
    if ((recorded.get(key) ?? 0) > now - 60_000) return;
    recorded.set(key, now);
    await sql`
      insert into repositories (platform, full_name, created_at, last_event_at)
      values (${repo.platform}, ${repo.fullName}, ${now}, ${now})
      on conflict (platform, full_name) do update set last_event_at = ${now}`.execute(store.db);
  };
}
