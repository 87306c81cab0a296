/**
 * What fencing needs: each claim of a job has its own number, so an operation made for one claim
 * (complete, fail, heartbeat, release, postpone) cannot act on a later one. `locked_by` alone does
 * not tell two claims apart when the same worker is handed the job again (after its lease was
 * reaped during a stall, or after a cancel and a retry), and neither does `attempts`, which a
 * retry resets and a release, postpone or rate-limit wait gives back. The column counts every
 * claim of the row and is never reset. Rows claimed before this migration have 0, which their
 * next claim moves on.
 * @module
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs")
    .addColumn("claim_token", "bigint", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs").dropColumn("claim_token").execute();
}
