/**
 * listReviewComments: the comments a review posted, in the order they were recorded.
 * @module
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { CommentsTable, Tables } from "../db/mod.ts";
import { nullableNumber } from "./review_row.ts";

/** A recorded comment, without the pull request it sits on (the review names it). */
export type CommentRecord = Pick<
  Selectable<CommentsTable>,
  "kind" | "fingerprint" | "external_id" | "path" | "line" | "head_sha" | "created_at"
>;

/** Review `reviewId`'s comments. */
export async function listReviewComments(
  db: Kysely<Tables>,
  reviewId: number,
): Promise<CommentRecord[]> {
  const rows = await sql<CommentRecord>`
    select kind, fingerprint, external_id, path, line, head_sha, created_at from comments
    where review_id = ${reviewId} order by id`.execute(db);
  return rows.rows.map((m) => ({
    ...m,
    line: nullableNumber(m.line),
    created_at: Number(m.created_at),
  }));
}
