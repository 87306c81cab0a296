/**
 * What per-person and per-pull-request rate limits need: each delivery remembers who caused it
 * (the pusher, or a command's author), which pull request it was about and which command it
 * gave, so intake counts them in the one read it makes anyway.
 * @module
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("webhook_deliveries").addColumn("actor", "text").execute();
  await db.schema.alterTable("webhook_deliveries").addColumn("pr_number", "integer").execute();
  await db.schema.alterTable("webhook_deliveries").addColumn("command", "text").execute();
  await db.schema.createIndex("webhook_deliveries_actor_time").on("webhook_deliveries")
    .columns(["platform", "actor", "received_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("webhook_deliveries_actor_time").ifExists().execute();
  for (const column of ["command", "pr_number", "actor"]) {
    await db.schema.alterTable("webhook_deliveries").dropColumn(column).execute();
  }
}
