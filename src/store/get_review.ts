/**
 * getReview: one review with its summary text.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import { REVIEW_COLUMNS, type ReviewRecord, toReviewRecord } from "./review_row.ts";

/** Review `id` and its summary, or null when there is none. */
export async function getReview(
  db: Kysely<Tables>,
  id: number,
): Promise<(ReviewRecord & { summary: string | null }) | null> {
  const row = await sql<ReviewRecord & { summary: string | null }>`
    select ${sql.join(REVIEW_COLUMNS.map((c) => sql.ref(c)))}, summary from reviews
    where id = ${id}`.execute(db);
  const r = row.rows[0];
  return r ? { ...toReviewRecord(r), summary: r.summary } : null;
}
