/**
 * What the server's review flow needs on top of the first schema: jobs grouped by pull request
 * (so a new head commit can supersede the old one's jobs, and a close can cancel them), and the
 * inputs a review's pipeline and publish jobs share (the diff, the resolved config, the prompts).
 * @module
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs").addColumn("group_key", "text").execute();
  await sql`create index jobs_group on jobs (group_key) where status in ('queued', 'running')`
    .execute(db);
  await db.schema.alterTable("reviews").addColumn("inputs", "text").execute();
  await db.schema.alterTable("reviews").addColumn("pr_title", "text").execute();
  await db.schema.createIndex("webhook_deliveries_repo_time").on("webhook_deliveries")
    .columns(["platform", "repository", "received_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("webhook_deliveries_repo_time").ifExists().execute();
  await db.schema.alterTable("reviews").dropColumn("pr_title").execute();
  await db.schema.alterTable("reviews").dropColumn("inputs").execute();
  await db.schema.dropIndex("jobs_group").ifExists().execute();
  await db.schema.alterTable("jobs").dropColumn("group_key").execute();
}
