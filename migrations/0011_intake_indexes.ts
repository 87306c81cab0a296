/**
 * Indexes that answer the webhook's look-up (`src/store/look_up_intake_facts.ts`) from the index
 * alone. The earlier ones named the repository or the person and the time, so each count read
 * every delivery of the window from the table to test its event and outcome: hundreds of row
 * reads per delivery for a busy repository, more the busier it got. These are partial (only the
 * rows each count can match) and hold every column the counts test, so a count reads index
 * entries only, and a pull request's commands are found among that pull request's alone.
 * @module
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // The repository's push budget: queued review deliveries since a time.
  await sql`create index webhook_deliveries_repo_reviews
    on webhook_deliveries (platform, repository, received_at)
    where event = 'review' and outcome = 'queued'`.execute(db);
  // A person's budget: queued deliveries they caused since a time.
  await sql`create index webhook_deliveries_actor_queued
    on webhook_deliveries (platform, actor, received_at)
    where outcome = 'queued'`.execute(db);
  // A pull request's command budget, and its latest `/loom review`.
  await sql`create index webhook_deliveries_pr_commands
    on webhook_deliveries (platform, repository, pr_number, received_at, command)
    where event = 'command' and outcome = 'queued'`.execute(db);
  await db.schema.dropIndex("webhook_deliveries_repo_time").ifExists().execute();
  await db.schema.dropIndex("webhook_deliveries_actor_time").ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("webhook_deliveries_repo_time").on("webhook_deliveries")
    .columns(["platform", "repository", "received_at"]).execute();
  await db.schema.createIndex("webhook_deliveries_actor_time").on("webhook_deliveries")
    .columns(["platform", "actor", "received_at"]).execute();
  await db.schema.dropIndex("webhook_deliveries_pr_commands").ifExists().execute();
  await db.schema.dropIndex("webhook_deliveries_actor_queued").ifExists().execute();
  await db.schema.dropIndex("webhook_deliveries_repo_reviews").ifExists().execute();
}
