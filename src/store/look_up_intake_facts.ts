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
  /** Deliveries of the repository queued since `since`. */
  recent: number;
  /** When the oldest of them arrived, or null. */
  oldest: number | null;
  /** The head was reviewed with success already. */
  reviewed: boolean;
  /** Unfinished jobs of the pull request. */
  active: number;
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
  /** Start of the rate-limit window. */
  since: number;
}

/**
 * One read for the webhook's hot path: a redelivery, the repository's rate, a head already
 * reviewed and the pull request's unfinished jobs, as sub-selects of one statement so a delivery
 * costs one round trip, not five.
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
  }>`
    select
      (select 1 from webhook_deliveries
        where platform = ${q.platform} and delivery_id = ${q.deliveryId}) as seen,
      (select count(*) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and outcome = 'queued'
          and received_at > ${q.since}) as recent,
      (select min(received_at) from webhook_deliveries
        where platform = ${q.platform} and repository = ${repository} and outcome = 'queued'
          and received_at > ${q.since}) as oldest,
      (select 1 from reviews
        where platform = ${q.repo.platform} and repository = ${repository}
          and pr_number = ${q.pr} and head_sha = ${q.headSha} and status = 'succeeded'
        limit 1) as reviewed,
      (select count(*) from jobs
        where group_key = ${q.groupKey}
          and status in ('queued', 'running')) as active`.execute(db);
  const r = row.rows[0];
  return {
    seen: r.seen !== null,
    recent: Number(r.recent),
    oldest: r.oldest === null ? null : Number(r.oldest),
    reviewed: r.reviewed !== null,
    active: Number(r.active),
  };
}
