/**
 * pruneDeliveries: forgets webhook deliveries older than the retention, a batch at a time.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/**
 * Deletes up to `limit` deliveries received before `before` (epoch ms), oldest first; returns how
 * many went. Redelivery dedupe and the rate limits look back an hour at most, so a retention of a
 * day or more changes neither.
 */
export async function pruneDeliveries(
  db: Kysely<Tables>,
  before: number,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries where received_at < ${before}
      order by received_at limit ${limit})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
