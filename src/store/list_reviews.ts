/**
 * listReviews: a page of reviews, newest first, for the admin API.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { ReviewStatus, Tables } from "../db/mod.ts";
import { REVIEW_COLUMNS, type ReviewRecord, toReviewRecord } from "./review_row.ts";

/** Filters and paging of {@link listReviews}; every filter is optional. */
export interface ListReviewsOptions {
  platform?: string;
  repository?: string;
  pr?: number;
  status?: ReviewStatus;
  /** Default 50. */
  limit?: number;
  /** Only reviews with a smaller id: the `nextCursor` of the previous page. */
  cursor?: number;
}

/** One page of reviews and the cursor of the next, null on the last page. */
export interface ReviewPage {
  reviews: ReviewRecord[];
  nextCursor: number | null;
}

/** The reviews matching `options`, newest first. */
export async function listReviews(
  db: Kysely<Tables>,
  options: ListReviewsOptions = {},
): Promise<ReviewPage> {
  const limit = options.limit ?? 50;
  const where = [
    options.platform ? sql`platform = ${options.platform}` : null,
    options.repository ? sql`repository = ${options.repository}` : null,
    options.pr ? sql`pr_number = ${options.pr}` : null,
    options.status ? sql`status = ${options.status}` : null,
    options.cursor ? sql`id < ${options.cursor}` : null,
  ].filter((w) => w !== null);
  const rows = await sql<ReviewRecord>`select ${sql.join(REVIEW_COLUMNS.map((c) => sql.ref(c)))}
    from reviews ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by id desc limit ${limit + 1}`.execute(db);
  const reviews = rows.rows.slice(0, limit).map(toReviewRecord);
  return {
    reviews,
    nextCursor: rows.rows.length > limit ? reviews[reviews.length - 1].id : null,
  };
}
