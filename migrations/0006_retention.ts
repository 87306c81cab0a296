/**
 * What retention needs: the state of each pull request Loom reviewed (open or closed, and since
 * when), so that a review's records are kept while its pull request is open and pruned a while
 * after it closed; indexes that let the prune find what is old without scanning what is young;
 * and, on SQLite, incremental auto-vacuum, so the pages a prune frees go back to the disk.
 *
 * Pull requests reviewed before this migration are recorded with state `unknown` and the time of
 * their newest review: their records go once that is older than the reviews retention.
 *
 * Cost on an existing SQLite store: switching auto-vacuum needs one `VACUUM`, which rewrites the
 * whole file once (time in proportion to its size, a second or so per few hundred MB, and free disk
 * for a second copy while it runs). A store created after this migration is incremental from its
 * first page (`openDatabase` asks for it before any table exists) and skips the `VACUUM`.
 * @module
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.createTable("pull_requests")
    .addColumn(
      "id",
      postgres ? sql`bigserial primary key` : sql`integer primary key autoincrement`,
    )
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("pr_number", "integer", (c) => c.notNull())
    // open | closed | unknown
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("closed_at", "bigint")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("pull_requests_pr", ["platform", "repository", "pr_number"])
    .execute();
  await sql`insert into pull_requests (platform, repository, pr_number, state, updated_at)
    select platform, repository, pr_number, 'unknown', max(created_at) from reviews
    group by platform, repository, pr_number`.execute(db);
  await sql`create index pull_requests_prunable on pull_requests (updated_at)
    where state <> 'open'`.execute(db);
  // The prune reads each of these oldest first, a batch at a time.
  await sql`create index jobs_finished on jobs (finished_at)
    where status in ('succeeded', 'dead', 'cancelled')`.execute(db);
  await db.schema.createIndex("webhook_deliveries_received").on("webhook_deliveries")
    .column("received_at").execute();
  await sql`create index reviews_inputs_finished on reviews (finished_at)
    where inputs is not null`.execute(db);
  // Finding a closed pull request's comments without a scan.
  await db.schema.createIndex("comments_pr").on("comments")
    .columns(["platform", "repository", "pr_number"]).execute();

  if (!postgres) {
    const mode = await sql<{ auto_vacuum: number }>`pragma auto_vacuum`.execute(db);
    if (Number(mode.rows[0]?.auto_vacuum) !== 2) {
      await sql`pragma auto_vacuum = incremental`.execute(db);
      await sql`vacuum`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const index of [
      "comments_pr",
      "reviews_inputs_finished",
      "webhook_deliveries_received",
      "jobs_finished",
      "pull_requests_prunable",
    ]
  ) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.dropTable("pull_requests").ifExists().execute();
}
