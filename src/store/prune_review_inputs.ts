/**
 * pruneReviewInputs: drops what a finished review's jobs shared (the pull request's diff, the
 * resolved config, the prompts), the model calls' transcripts (prompts and raw answers, which quote
 * the code) and the model endpoints' own words kept on its failed pipeline runs,
 * once the review ended longer ago than the retention: private code does not stay at rest for
 * good. The review row, its summary, its findings and its comments stay (see
 * `prune_closed_reviews.ts` for when they go).
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { StoreKind, Tables } from "../db/mod.ts";

/**
 * Clears the inputs of up to `limit` reviews that ended before `before` (epoch ms), oldest first,
 * and the `errorDetail` of their pipeline runs; returns how many reviews were cleared.
 */
export async function pruneReviewInputs(
  db: Kysely<Tables>,
  kind: StoreKind,
  before: number,
  limit: number,
): Promise<number> {
  const ids = await sql<{ id: number }>`
    select id from reviews where inputs is not null and finished_at < ${before}
    order by finished_at limit ${limit}`.execute(db);
  if (ids.rows.length === 0) return 0;
  const list = sql.join(ids.rows.map((r) => sql`${Number(r.id)}`));
  // The run's JSON holds its findings (kept) and, for a failed run, the endpoint's answer (not).
  const withoutDetail = kind === "postgres"
    ? sql`(cast(findings as jsonb) - 'errorDetail')::text`
    : sql`json_remove(findings, '$.errorDetail')`;
  await sql`update pipeline_runs set findings = ${withoutDetail}
    where review_id in (${list}) and findings like '%"errorDetail"%'`.execute(db);
  await sql`delete from review_transcripts where review_id in (${list})`.execute(db);
  const result = await sql`update reviews set inputs = null where id in (${list})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
