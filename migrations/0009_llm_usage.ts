/**
 * What each model call spent: one row per request to a model (a planned call with its re-asks,
 * a fallback's, a second look's), with the review, repository and pipeline it was for and its
 * cost under the prices in effect when it was made (null when the model had no price: unknown,
 * not free). Rows of their own rather than columns of `pipeline_runs`, because one pipeline
 * calls several models, and budgets and the dashboard sum by model, repository and day.
 * `day` (UTC, `YYYY-MM-DD`) is stored so both stores group by it alike and its index serves
 * "today's spend". No id: rows are only ever summed, and pruned with their review.
 * @module
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable("llm_usage")
    .addColumn("review_id", "integer")
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("pipeline", "text", (c) => c.notNull())
    /** The model's name in the config, e.g. `default`. */
    .addColumn("endpoint", "text", (c) => c.notNull())
    /** The model id sent to the endpoint, e.g. `gpt-4o-mini`. */
    .addColumn("model", "text", (c) => c.notNull())
    /** review, fallback or verify. */
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("calls", "integer", (c) => c.notNull())
    .addColumn("prompt_tokens", "integer", (c) => c.notNull())
    .addColumn("cached_tokens", "integer", (c) => c.notNull())
    .addColumn("completion_tokens", "integer", (c) => c.notNull())
    .addColumn("cost_usd", "double precision")
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("llm_usage_day").on("llm_usage").columns(["day", "model"])
    .execute();
  await db.schema.createIndex("llm_usage_repository_day").on("llm_usage")
    .columns(["repository", "day"]).execute();
  await db.schema.createIndex("llm_usage_review").on("llm_usage").column("review_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("llm_usage").ifExists().execute();
}
