/**
 * What the dashboard shows beyond the review flow's own records (issue 14):
 *
 * - `review_transcripts`: the exact prompt and raw answer of each model call a pipeline made,
 *   for debugging a review. Stored redacted and capped (see `src/store/review_transcripts.ts`),
 *   deleted with the review by the retention prune, and cleared with the review's inputs.
 * - `repository_configs`: the `.loom/config.yaml` the last review of a repository read and the
 *   validation errors it had, so the Repositories page shows the config in effect without
 *   asking the platform. One row per repository, replaced on every read.
 * - Indexes for the dashboard's keyset-paginated filters of reviews by repository and by
 *   status (the list is `order by id desc`, so each filter's index ends with `id`).
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("reviews_status").ifExists().execute();
  await db.schema.dropIndex("reviews_repository").ifExists().execute();
  await db.schema.dropTable("repository_configs").ifExists().execute();
  await db.schema.dropTable("review_transcripts").ifExists().execute();
}
