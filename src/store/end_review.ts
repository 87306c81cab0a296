/**
 * endReview: marks a review finished, with how it ended and how long it took.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { ReviewStatus, Tables } from "../db/mod.ts";

/** How a review ends. */
export type ReviewEnd = Exclude<ReviewStatus, "running">;

/**
 * Sets the review's final status, its error (cleared when none is given), its summary (kept when
 * none is given) and its duration from its creation.
 */
export async function endReview(
  db: Kysely<Tables>,
  reviewId: number,
  status: ReviewEnd,
  now: number,
  fields: { error?: string; summary?: string } = {},
): Promise<void> {
  await sql`
    update reviews set status = ${status}, error = ${fields.error ?? null},
      summary = coalesce(${fields.summary ?? null}, summary), finished_at = ${now},
      duration_ms = ${now} - created_at
    where id = ${reviewId}`.execute(db);
}
