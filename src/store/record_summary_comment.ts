/**
 * recordSummaryComment: which platform comment holds a review's summary, and its text.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Records comment `commentId` with `body` as review `reviewId`'s summary. */
export async function recordSummaryComment(
  db: Kysely<Tables>,
  reviewId: number,
  commentId: string,
  body: string,
): Promise<void> {
  await sql`update reviews set summary_comment_id = ${commentId}, summary = ${body}
    where id = ${reviewId}`.execute(db);
}
