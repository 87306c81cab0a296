/**
 * lookUpIntakeFacts: everything intake must know about a delivery, in one statement.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** What intake learns from the store before it acts on a delivery. */
export interface IntakeFacts {
  /** The delivery id was received before. */
  seen: boolean;
  /**
   * Review deliveries (pushes, opened, reopened, ready) of the repository queued since `since`:
   * the repository's push budget, which commands never consume.
   */
  recent: number;
  /** When the oldest of them arrived, or null. */
  oldest: number | null;
  /** The head was reviewed with success already. */
  reviewed: boolean;
  /** Unfinished jobs of the pull request. */
  active: number;
  /** Reviews and commands `actor` caused, queued since `hourSince` (0 without an actor). */
  byActor: number;
  /** When the oldest of them arrived, or null. */
  byActorOldest: number | null;
  /** Commands on the pull request queued since `hourSince`. */
  prCommands: number;
  /** When the oldest of them arrived, or null. */
  prCommandsOldest: number | null;
  /** When the latest `/loom review` on the pull request was queued, or null. */
  lastReviewCommand: number | null;
}

/** What {@link lookUpIntakeFacts} asks about. */
export interface IntakeQuestion {
  platform: string;
  deliveryId: string | null;
  /** The repository as the event names it. */
  repo: { platform: string; fullName: string };
  pr: number;
  /** The head of a review event; null for other events (then `reviewed` is false). */
  headSha: string | null;
  /** The pull request's job group (see `prGroupKey`). */
  groupKey: string;
  /** Start of the repository's rate-limit window. */
  since: number;
  /** Who caused the delivery, or null when the event names nobody. */
  actor: string | null;
  /** Start of the per-person and per-pull-request windows. */
  hourSince: number;
}

/**
 * One read for the webhook's hot path: a redelivery, the repository's rate, a head already
 * reviewed, the pull request's unfinished jobs, and what the person and the pull request used of
 * their budgets, as sub-selects of one statement so a delivery costs one round trip, not ten.
 * Its one row is said with `limit 1`, so SQLite answers it in one step (see `kept_statements.ts`).
 */
export async function lookUpIntakeFacts(
  db: Kysely<Tables>,
  q: IntakeQuestion,
): Promise<IntakeFacts> {
  const repository = q.repo.fullName;
  const row = await sql<{
    seen: number | null;
    recent: number;
    oldest: number | null;
    reviewed: number | null;
    active: number;
    by_actor: number;
    by_actor_oldest: number | null;
    pr_commands: number;
    pr_commands_oldest: number | null;
    last_review_command: number | null;
  }>`
    select
      (select 1 from webhook_deliveries
        where platform = ${q.platform} and delivery_id = ${q.deliveryId}) as seen,
      (select count(*) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and outcome = 'queued'
          and event = 'review' and received_at > ${q.since}) as recent,
      (select min(received_at) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and outcome = 'queued'
          and event = 'review' and received_at > ${q.since}) as oldest,
      (select 1 from reviews
        where platform = ${q.repo.platform} and repository = ${repository}
          and pr_number = ${q.pr} and head_sha = ${q.headSha} and status = 'succeeded'
        limit 1) as reviewed,
      (select count(*) from jobs
        where group_key = ${q.groupKey}
          and status in ('queued', 'running')) as active,
      (select count(*) from webhook_deliveries
        where platform = ${q.platform} and actor = ${q.actor} and outcome = 'queued'
          and received_at > ${q.hourSince}) as by_actor,
      (select min(received_at) from webhook_deliveries
        where platform = ${q.platform} and actor = ${q.actor} and outcome = 'queued'
          and received_at > ${q.hourSince}) as by_actor_oldest,
      (select count(*) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and pr_number = ${q.pr}
          and event = 'command' and outcome = 'queued'
          and received_at > ${q.hourSince}) as pr_commands,
      (select min(received_at) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and pr_number = ${q.pr}
          and event = 'command' and outcome = 'queued'
          and received_at > ${q.hourSince}) as pr_commands_oldest,
      (select max(received_at) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and pr_number = ${q.pr}
          and event = 'command' and command = 'review' and outcome = 'queued'
          and received_at > ${q.hourSince}) as last_review_command
    limit 1`.execute(db);
  const r = row.rows[0];
  return {
    seen: r.seen !== null,
    recent: Number(r.recent),
    oldest: orNull(r.oldest),
    reviewed: r.reviewed !== null,
    active: Number(r.active),
    byActor: Number(r.by_actor),
    byActorOldest: orNull(r.by_actor_oldest),
    prCommands: Number(r.pr_commands),
    prCommandsOldest: orNull(r.pr_commands_oldest),
    lastReviewCommand: orNull(r.last_review_command),
  };
}

// PostgreSQL answers bigint aggregates as strings.
function orNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
