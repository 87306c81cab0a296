/**
 * The first schema: the job queue, repositories, webhook deliveries, reviews, pipeline runs and
 * posted comments. Written once for both stores; only the id column type differs.
 * @module
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

function idColumn(db: Kysely<unknown>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql`bigserial primary key`
    : sql`integer primary key autoincrement`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idColumn(db);
  await db.schema.createTable("jobs")
    .addColumn("id", id)
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("lane", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("run_at", "bigint", (c) => c.notNull())
    .addColumn("score", "bigint", (c) => c.notNull())
    .addColumn("locked_by", "text")
    .addColumn("locked_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("errors", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("dedupe_key", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("finished_at", "bigint")
    .execute();
  // The claim scans queued jobs in score order; a partial index keeps finished jobs out of it.
  await sql`create index jobs_claim on jobs (score, id) where status = 'queued'`.execute(db);
  await sql`create index jobs_lease on jobs (locked_until) where status = 'running'`.execute(db);
  await sql`create index jobs_status on jobs (status, id)`.execute(db);
  // One active job per dedupe key; a finished job frees its key.
  await sql`create unique index jobs_dedupe on jobs (dedupe_key)
    where status in ('queued', 'running')`.execute(db);

  await db.schema.createTable("repositories")
    .addColumn("id", id)
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_event_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("repositories_platform_name", ["platform", "full_name"])
    .execute();

  await db.schema.createTable("webhook_deliveries")
    .addColumn("id", id)
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("repository", "text")
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("job_id", "bigint")
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("webhook_deliveries_platform_delivery", ["platform", "delivery_id"])
    .execute();

  await db.schema.createTable("reviews")
    .addColumn("id", id)
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("pr_number", "integer", (c) => c.notNull())
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("base_sha", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("job_id", "bigint")
    .addColumn("summary_comment_id", "text")
    .addColumn("findings", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("blockers", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("completion_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("llm_calls", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("duration_ms", "bigint")
    .addColumn("summary", "text")
    .addColumn("error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    .execute();
  await db.schema.createIndex("reviews_pr").on("reviews")
    .columns(["platform", "repository", "pr_number", "id"]).execute();

  await db.schema.createTable("pipeline_runs")
    .addColumn("id", id)
    .addColumn("review_id", "bigint", (c) => c.notNull())
    .addColumn("pipeline", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("findings", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("completion_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("llm_calls", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("duration_ms", "bigint")
    .addColumn("error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("pipeline_runs_review_pipeline", ["review_id", "pipeline"])
    .execute();

  await db.schema.createTable("comments")
    .addColumn("id", id)
    .addColumn("review_id", "bigint")
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("pr_number", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("external_id", "text")
    .addColumn("path", "text")
    .addColumn("line", "integer")
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    // A finding is posted at most once per pull request, whatever the head.
    .addUniqueConstraint("comments_pr_fingerprint", [
      "platform",
      "repository",
      "pr_number",
      "fingerprint",
    ])
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Other nodes sleeping on LISTEN wake the moment a job is inserted, whoever inserted it.
    await sql`create function loom_jobs_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('loom_jobs', ''); return null; end $$`.execute(db);
    await sql`create trigger jobs_notify after insert on jobs
      for each statement execute function loom_jobs_notify()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists loom_jobs_notify() cascade`.execute(db).catch(() => {});
  for (
    const table of [
      "comments",
      "pipeline_runs",
      "reviews",
      "webhook_deliveries",
      "repositories",
      "jobs",
    ]
  ) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
