/**
 * What pausing Loom on a pull request needs (`/loom pause`, `/loom resume`,
 * `review.auto_pause_after`): one row per pull request that was ever paused, saying whether it is
 * paused now, by whom (null for Loom's own auto-pause), when and why, and when it was last
 * resumed (auto-pause counts reviewed pushes from then). A row, not a flag on `reviews`, because
 * the state outlives every review and must be read before any review row exists.
 * @module
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable("pull_request_pauses")
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("pr_number", "integer", (c) => c.notNull())
    /** Null while not paused. */
    .addColumn("paused_at", "bigint")
    .addColumn("paused_by", "text")
    .addColumn("reason", "text")
    .addColumn("resumed_at", "bigint")
    .addColumn("resumed_by", "text")
    .addPrimaryKeyConstraint("pull_request_pauses_pr", ["platform", "repository", "pr_number"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("pull_request_pauses").ifExists().execute();
}
