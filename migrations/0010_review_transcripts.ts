/**
 * What the dashboard shows beyond the review flow's own records (issue 14):
 *
 * - `review_transcripts`: the exact prompt and raw answer of each model call a pipeline made,
 *   for debugging a review. Stored redacted and capped (see `src/store/review_transcripts.ts`),
 *   deleted with the review by the retention prune, and cleared with the review's inputs.
 * - `repository_configs`: the `.loom/config.yaml` the last review of a repository read and the
 *   validation errors it had, so the Repositories page shows the config in effect without
 *   asking the platform. One row per repository, replaced on every read.
 * - Indexes for the dashboard: its keyset-paginated filters of reviews by repository and by
 *   status (the list is `order by id desc`, so each filter's index ends with `id`); the
 *   Repositories page's findings by severity (`comments_repository`, covering the count); the
 *   Overview's reviews, failures and tokens per hour and day and by model over the last week
 *   (`reviews_created`, `pipeline_runs_created`, each covering its aggregate so it reads the
 *   index alone, not 10,000 rows of the table); and the Overview's (and `/metrics`') count of
 *   queued, running and dead jobs by kind and lane (`jobs_status_kind_lane`, covering: with
 *   100,000 jobs the count read a table row per active job, 40 ms of the Overview's time).
 * @module
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.createTable("review_transcripts")
    .addColumn(
      "id",
      postgres ? sql`bigserial primary key` : sql`integer primary key autoincrement`,
    )
    .addColumn("review_id", "bigint", (c) => c.notNull())
    .addColumn("pipeline", "text", (c) => c.notNull())
    // The order of the call within the pipeline's run.
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    // The request's JSON body (the messages) and the server's answer as sent, both redacted.
    .addColumn("request", "text", (c) => c.notNull())
    .addColumn("response", "text", (c) => c.notNull())
    // HTTP status of the answer; null when no answer came (timeout, refused connection).
    .addColumn("status", "integer")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("review_transcripts_review").on("review_transcripts")
    .columns(["review_id", "pipeline", "seq"]).execute();

  await db.schema.createTable("repository_configs")
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    // The branch or sha it was read at.
    .addColumn("ref", "text", (c) => c.notNull())
    // The file's text (capped); null when the repository has none (the server default applies).
    .addColumn("text", "text")
    // JSON array of `{ file, line, col, message }`.
    .addColumn("errors", "text", (c) => c.notNull())
    .addColumn("read_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("repository_configs_repo", ["platform", "repository"])
    .execute();

  await sql`create index reviews_repository on reviews (repository, id)`.execute(db);
  await sql`create index reviews_status on reviews (status, id)`.execute(db);
  await sql`create index comments_repository on comments (repository, kind, severity)`
    .execute(db);
  await sql`create index jobs_status_kind_lane on jobs (status, kind, lane)`.execute(db);
  await sql`create index reviews_created on reviews
    (created_at, status, prompt_tokens, completion_tokens)`.execute(db);
  await sql`create index pipeline_runs_created on pipeline_runs
    (created_at, model, prompt_tokens, completion_tokens)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const index of [
      "pipeline_runs_created",
      "reviews_created",
      "jobs_status_kind_lane",
      "comments_repository",
    ]
  ) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.dropIndex("reviews_status").ifExists().execute();
  await db.schema.dropIndex("reviews_repository").ifExists().execute();
  await db.schema.dropTable("repository_configs").ifExists().execute();
  await db.schema.dropTable("review_transcripts").ifExists().execute();
}
