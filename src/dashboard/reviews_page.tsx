/**
 * The Reviews page: reviews filtered by platform, repository and state, newest first, a page at a
 * time (keyset cursor on the review id, so a page costs the same at any depth).
 * @module
 */
import type { ReviewStatus } from "../db/mod.ts";
import type { ReviewRecord } from "../store/mod.ts";
import { formatCount, formatDuration, formatTime } from "./format.ts";
import type { DashboardPage } from "./page.ts";

/** States a review can be in, for the filter. */
export const REVIEW_STATES: readonly ReviewStatus[] = [
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
export function reviewsUrl(filters: ReviewFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `/reviews?${query}` : "/reviews";
}

/** A table of reviews, linking each to its page. */
export function ReviewsTable(props: { reviews: readonly ReviewRecord[] }) {
  if (props.reviews.length === 0) return <p class="muted">No reviews.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Review</th>
            <th>Repository</th>
            <th>Pull request</th>
            <th>State</th>
            <th class="num">Findings</th>
            <th class="num">Tokens</th>
            <th class="num">Duration</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {props.reviews.map((r) => (
            <tr>
              <td>
                <a href={`/reviews/${r.id}`}>#{r.id}</a>
              </td>
              <td>
                {r.repository} <span class="muted">{r.platform}</span>
              </td>
              <td>
                !{r.pr_number} {r.pr_title && <span class="muted">{r.pr_title}</span>}
              </td>
              <td>
                <span class={`status status-${r.status}`}>{r.status}</span>
              </td>
              <td class="num">
                {r.findings}
                {r.blockers > 0 && <span class="muted">{` (${r.blockers} blocking)`}</span>}
              </td>
              <td class="num">{formatCount(r.prompt_tokens + r.completion_tokens)}</td>
              <td class="num">{formatDuration(r.duration_ms)}</td>
              <td>{formatTime(r.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
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
              {[...new Set([...platforms, ...(filters.platform ? [filters.platform] : [])])].map((
                p,
              ) => <option key={p} value={p} selected={p === filters.platform}>{p}</option>)}
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
        <ReviewsTable reviews={page.reviews} />
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
