/**
 * The Reviews page: reviews filtered by platform, repository and state, newest first, a page at a
 * time (keyset cursor on the review id, so a page costs the same at any depth).
 * @module
 */
import type { ReviewStatus } from "../db/mod.ts";
import type { DashboardPage } from "./page.ts";
import { ReviewTable } from "./review_table.tsx";

/** States a review can be in, for the filter. */
const REVIEW_STATES: readonly ReviewStatus[] = [
  "running",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
];

const PAGE_SIZE = 50;
/** Longest filter value read; a repository name is far shorter. */
const MAX_FILTER_CHARS = 200;

/** The filters of a `/reviews?…` URL, each dropped when not valid. */
export interface ReviewFilters {
  platform?: string;
  repository?: string;
  status?: ReviewStatus;
  cursor?: number;
}

/**
 * Reads the filters from a query, ignoring what is not valid (an unknown state, a cursor that
 * is not a positive integer, an over-long name) rather than refusing the page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reviewFilters } from "./reviews_page.tsx";
 *
 * assert.deepEqual(reviewFilters({ status: "failed", cursor: "12", platform: "" }), {
 *   status: "failed",
 *   cursor: 12,
 * });
 * assert.deepEqual(reviewFilters({ status: "nope", cursor: "-1" }), {});
 * ```
 */
export function reviewFilters(query: Record<string, string | undefined>): ReviewFilters {
  const text = (v: string | undefined) =>
    v && v.trim() && v.length <= MAX_FILTER_CHARS ? v.trim() : undefined;
  const cursor = Number(query.cursor);
  const status = REVIEW_STATES.find((s) => s === query.status);
  return {
    ...(text(query.platform) ? { platform: text(query.platform) } : {}),
    ...(text(query.repository) ? { repository: text(query.repository) } : {}),
    ...(status ? { status } : {}),
    ...(Number.isSafeInteger(cursor) && cursor > 0 ? { cursor } : {}),
  };
}

/** The `/reviews` URL of `filters`. */
function reviewsUrl(filters: ReviewFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `/reviews?${query}` : "/reviews";
}

// Options as a function, not JSX in a map: Hono would render a `key` as an HTML attribute.
function platformOptions(known: readonly string[], chosen: string | undefined) {
  const all = [...new Set([...known, ...(chosen ? [chosen] : [])])];
  return all.map((p) => option(p, p === chosen));
}

function option(value: string, selected: boolean) {
  return <option value={value} selected={selected}>{value}</option>;
}

/** `/reviews`. */
export const reviewsPage: DashboardPage = {
  path: "/reviews",
  title: "Reviews",
  nav: "reviews",
  async render(ctx) {
    const filters = reviewFilters(ctx.c.req.query());
    const page = await ctx.deps.store.listReviews({ ...filters, limit: PAGE_SIZE });
    const platforms = ctx.deps.server?.platforms.map((p) => p.id) ?? [];
    return (
      <>
        <form class="filters panel" method="get" action="/reviews">
          <label>
            Platform
            <select name="platform">
              <option value="">any</option>
              {platformOptions(platforms, filters.platform)}
            </select>
          </label>
          <label>
            Repository
            <input
              name="repository"
              value={filters.repository ?? ""}
              placeholder="owner/name"
              maxlength={MAX_FILTER_CHARS}
            />
          </label>
          <label>
            State
            <select name="status">
              <option value="">any</option>
              {REVIEW_STATES.map((s) => (
                <option value={s} selected={s === filters.status}>{s}</option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
          {(filters.platform || filters.repository || filters.status) && (
            <a href="/reviews">Clear</a>
          )}
        </form>
        <ReviewTable reviews={page.reviews} empty="No reviews match." />
        <p class="pager">
          {filters.cursor && <a href={reviewsUrl({ ...filters, cursor: undefined })}>Newest</a>}
          {filters.cursor && page.nextCursor && " · "}
          {page.nextCursor && (
            <a href={reviewsUrl({ ...filters, cursor: page.nextCursor })} rel="next">Older →</a>
          )}
        </p>
      </>
    );
  },
};
