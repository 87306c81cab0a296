/**
 * The life of a review (issue 12): per pull request, what was last reviewed (its head, the
 * change's merge base, a fingerprint of the config and prompts it was reviewed with, the review
 * and its summary comment), so the next push can be reviewed incrementally; and per finding Loom
 * posted inline, its state (open, fixed, outdated, dismissed), when and by whom.
 *
 * Finding states extend `comments` rather than a table of their own: a row there already is one
 * posted finding per pull request (unique on its fingerprint) with its comment's id, path and
 * line — exactly what a state belongs to — so a second table would repeat that key and have to
 * be kept in step with it. Findings listed only in the summary have no thread to resolve or
 * dismiss and get no state; each summary lists what its review found.
 * @module
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  const id = db.getExecutor().adapter instanceof PostgresAdapter
    ? sql`bigserial primary key`
    : sql`integer primary key autoincrement`;
  await db.schema.createTable("review_states")
    .addColumn("id", id)
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("pr_number", "integer", (c) => c.notNull())
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("merge_base", "text")
    .addColumn("config_fingerprint", "text", (c) => c.notNull())
    .addColumn("review_id", "bigint", (c) => c.notNull())
    .addColumn("summary_comment_id", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("review_states_pr", ["platform", "repository", "pr_number"])
    .execute();
  const comments = () => db.schema.alterTable("comments");
  await comments().addColumn("start_line", "integer").execute();
  await comments().addColumn("severity", "text").execute();
  await comments().addColumn("title", "text").execute();
  await comments().addColumn("pipeline", "text").execute();
  await comments().addColumn("state", "text", (c) => c.notNull().defaultTo("open")).execute();
  await comments().addColumn("state_at", "bigint").execute();
  await comments().addColumn("state_by", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const column of ["state_by", "state_at", "state", "pipeline", "title", "severity", "start_line"]
  ) {
    await db.schema.alterTable("comments").dropColumn(column).execute();
  }
  await db.schema.dropTable("review_states").ifExists().execute();
}
