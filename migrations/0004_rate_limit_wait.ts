/**
 * What "a rate limit is a wait, not a failure" needs: each job remembers how long it has waited
 * out rate limits in all, so the wait is bounded (LOOM_MAX_RATE_LIMIT_WAIT_S) across restarts
 * and nodes rather than per process.
 * @module
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs")
    .addColumn("rate_limit_waited_ms", "bigint", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs").dropColumn("rate_limit_waited_ms").execute();
}
