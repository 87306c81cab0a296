/**
 * A table of reviews as the Overview lists them: newest first, each linking to its page.
 * @module
 */
import type { ReviewRecord } from "../store/mod.ts";
import { formatCount, formatDuration, formatTime } from "./format.ts";

/** The reviews in `reviews`, or `empty` when there are none. */
export function ReviewTable(props: { reviews: readonly ReviewRecord[]; empty: string }) {
  if (props.reviews.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Review</th>
            <th>Pull request</th>
            <th>Status</th>
            <th class="num">Findings</th>
            <th class="num">Tokens</th>
            <th class="num">Took</th>
            <th>Started (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {props.reviews.map((r) => (
            <tr data-review-id={String(r.id)}>
              <td>
                <a href={`/reviews/${r.id}`}>#{r.id}</a>
              </td>
              <td>
                {r.platform} · {r.repository} !{r.pr_number}
                {r.pr_title && <div class="muted">{r.pr_title}</div>}
              </td>
              <td>
                <span class={`status status-${r.status}`}>{r.status}</span>
                {r.error && <div class="muted">{r.error.slice(0, 200)}</div>}
              </td>
              <td class="num">
                {r.findings}
                {r.blockers > 0 && <span class="muted">({r.blockers} blocking)</span>}
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
