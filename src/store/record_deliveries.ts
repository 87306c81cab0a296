/**
 * recordDeliveries: remembers webhook deliveries, so a redelivery is recognised.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** One delivery to remember. */
export interface DeliveryRecord {
  platform: string;
  deliveryId: string;
  /** The event's type: review, command, closed. */
  event: string;
  repository: string;
  /** queued or ignored. */
  outcome: string;
  jobId: number | null;
  at: number;
  /** Who caused it (the pusher or sender, a command's author), counted per person. */
  actor?: string | null;
  pr?: number | null;
  /** A command delivery's command (review, help), counted per pull request. */
  command?: string | null;
}

/**
 * Inserts `rows` in one statement (the store's batcher hands it every delivery that arrived
 * during the previous flush); a delivery already recorded is left as it was.
 */
export async function recordDeliveries(
  db: Kysely<Tables>,
  rows: readonly DeliveryRecord[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into webhook_deliveries (platform, delivery_id, event, repository, outcome, job_id,
                                    received_at, actor, pr_number, command)
    values ${
    sql.join(rows.map((r) =>
      sql`(${r.platform}, ${r.deliveryId}, ${r.event}, ${r.repository}, ${r.outcome},
        ${r.jobId}, ${r.at}, ${r.actor ?? null}, ${r.pr ?? null}, ${r.command ?? null})`
    ))
  }
    on conflict (platform, delivery_id) do nothing`.execute(db);
}
