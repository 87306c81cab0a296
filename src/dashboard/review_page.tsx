/**
 * One review's page: the pull request and the reviewed range, each finding with where it stands,
 * the comments posted, and each pipeline with its model, tokens, cost and duration and the exact
 * prompts and raw answers of its model calls (stored redacted; scrubbed again here).
 * @module
 */
import type { Finding } from "../findings/mod.ts";
import { scrubCredentials } from "../secrets/mod.ts";
import type { FindingRecord, PipelineRunRecord, TranscriptRecord } from "../store/mod.ts";
import { formatCount, formatDuration, formatTime, formatUsd, shortSha } from "./format.ts";
import { notFoundPage } from "./not_found.tsx";
import type { DashboardPage, PageContext } from "./page.ts";
import { pullRequestLink } from "./pull_request_link.ts";
import { type ReviewCost, reviewCost } from "./review_cost.ts";

/** A finding as a pipeline run stores it: dropped ones carry the second look's score. */
type StoredFinding = Finding & { dropped?: true; scoreReason?: string };

/**
 * Where a finding of this review stands: its inline comment's state when it was posted (on this
 * review or an earlier one), else why it was not.
 */
function findingState(f: StoredFinding, posted: ReadonlyMap<string, FindingRecord>): string {
  const comment = posted.get(f.fingerprint);
  if (comment) return comment.stateBy ? `${comment.state} (${comment.stateBy})` : comment.state;
  if (f.dropped) return `dropped by the second look (score ${f.score ?? "?"})`;
  if (!f.inDiff) return "in the summary";
  return "not posted";
}

function notFound(ctx: PageContext, id: string) {
  const page = {
    title: "Review not found",
    nav: "reviews" as const,
    back: { href: "/reviews", label: "All reviews" },
  };
  return notFoundPage(ctx, page, `There is no review ${id}.`);
}

/** `/reviews/:id`. */
export const reviewPage: DashboardPage = {
  path: "/reviews/:id",
  title: "Review",
  nav: "reviews",
  async render(ctx) {
    const raw = ctx.c.req.param("id") ?? "";
    const id = Number(raw);
    if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id)) {
      return notFound(ctx, raw.slice(0, 40));
    }
    const { store } = ctx.deps;
    const review = await store.getReview(id);
    if (!review) return notFound(ctx, raw);
    const repo = { platform: review.platform, fullName: review.repository };
    const [runs, prFindings, comments, transcripts, cost] = await Promise.all([
      store.listPipelineRuns<StoredFinding>(id),
      store.listFindings(repo, review.pr_number),
      store.listReviewComments(id),
      store.listTranscripts(id),
      store.usageOfReview(id).then(reviewCost),
    ]);
    const posted = new Map(prFindings.map((f) => [f.fingerprint, f]));
    const link = pullRequestLink(review.platform, review.repository, review.pr_number);
    const findings = runs.flatMap((r) => r.findings);
    return (
      <>
        <div class="panel">
          <p>
            <strong>{review.repository}</strong> <span class="muted">{review.platform}</span> {link
              ? <a href={link} rel="noreferrer">pull request !{review.pr_number}</a>
              : <span>pull request !{review.pr_number}</span>}
            {review.pr_title && <span>: {review.pr_title}</span>}
          </p>
          <p>
            Reviewed range <code>{shortSha(review.base_sha)}..{shortSha(review.head_sha)}</code>
            {" · "}
            <span class={`status status-${review.status}`}>{review.status}</span>
            {" · "}
            {review.trigger} · started {formatTime(review.created_at)}
            {review.finished_at !== null && <>, ended {formatTime(review.finished_at)}</>}
          </p>
          <p class="muted">
            {formatCount(review.prompt_tokens)} prompt + {formatCount(review.completion_tokens)}
            {" "}
            completion tokens in {review.llm_calls} calls · {formatDuration(review.duration_ms)}
            {cost && <>{" "}· cost {formatUsd(cost.totalUsd)}</>}
          </p>
          {review.error && <p class="error">{scrubCredentials(review.error)}</p>}
        </div>

        <h2>Findings ({findings.length})</h2>
        <FindingsTable findings={findings} posted={posted} />

        <h2>Comments posted ({comments.length})</h2>
        {comments.length === 0 ? <p class="muted">None.</p> : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Kind</th>
                  <th>Where</th>
                  <th>Comment id</th>
                  <th>Posted</th>
                </tr>
              </thead>
              <tbody>
                {comments.map((m) => (
                  <tr>
                    <td>{m.kind}</td>
                    <td>{m.path ? `${m.path}:${m.line ?? "?"}` : "—"}</td>
                    <td>
                      <code>{m.external_id ?? "—"}</code>
                    </td>
                    <td>{formatTime(m.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}

        <h2>Pipelines ({runs.length})</h2>
        {runs.length === 0 && <p class="muted">No pipeline has ended yet.</p>}
        {runs.map((run) => (
          <PipelinePanel run={run} calls={transcripts[run.pipeline] ?? []} cost={cost} />
        ))}

        {review.summary && (
          <details class="panel">
            <summary>Summary comment as posted</summary>
            <pre>{scrubCredentials(review.summary)}</pre>
          </details>
        )}
      </>
    );
  },
};

function FindingsTable(props: {
  findings: readonly StoredFinding[];
  posted: ReadonlyMap<string, FindingRecord>;
}) {
  if (props.findings.length === 0) return <p class="muted">None.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Severity</th>
            <th>Finding</th>
            <th>Where</th>
            <th>Pipeline</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.findings.map((f) => (
            <tr>
              <td>
                <span class={`badge severity-${f.severity}`}>{f.severity}</span>
              </td>
              <td>
                <details>
                  <summary>{f.title}</summary>
                  <pre>{f.body}</pre>
                </details>
              </td>
              <td>
                <code>
                  {f.path}:{f.line}
                  {f.end_line && f.end_line !== f.line ? `-${f.end_line}` : ""}
                </code>
              </td>
              <td>{f.pipeline}</td>
              <td>{findingState(f, props.posted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PipelinePanel(props: {
  run: PipelineRunRecord<StoredFinding>;
  calls: readonly TranscriptRecord[];
  cost: ReviewCost | null;
}) {
  const { run, calls, cost } = props;
  return (
    <section class="panel">
      <h3>
        {run.pipeline} <span class={`status status-${run.status}`}>{run.status}</span>
      </h3>
      <p>
        Model {run.model}
        {run.answeredBy && run.answeredBy.length > 0 && (
          <span class="muted">{` · answered by ${run.answeredBy.join(", ")}`}</span>
        )}
      </p>
      <p class="muted">
        {formatCount(run.promptTokens)} prompt + {formatCount(run.completionTokens)}{" "}
        completion tokens · {run.llmCalls} calls · {formatDuration(run.durationMs)}
        {cost && <>{" "}· cost {formatUsd(cost.byPipeline[run.pipeline])}</>}
      </p>
      {run.verification && <SecondLook verification={run.verification} />}
      {run.error && <p class="error">{scrubCredentials(run.error)}</p>}
      {run.errorDetail && <pre>{scrubCredentials(run.errorDetail)}</pre>}
      {run.modelFailures?.map((f) => (
        <p class="muted">{f.model} failed: {scrubCredentials(f.error)}</p>
      ))}
      {calls.length === 0
        ? <p class="muted">No model calls recorded.</p>
        : calls.map((call) => (
          <details>
            <summary>
              Call {call.seq}: {call.model} · {call.status ?? "no answer"} ·{" "}
              {formatDuration(call.durationMs)}
            </summary>
            <h4>Prompt</h4>
            {promptMessages(call.request)}
            <h4>Raw answer</h4>
            <pre>{scrubCredentials(call.response)}</pre>
          </details>
        ))}
    </section>
  );
}

/** How the pipeline's second look went, as the engine stored it (its shape is the engine's). */
function SecondLook(props: { verification: Record<string, unknown> }) {
  const v = props.verification;
  const n = (key: string) => (typeof v[key] === "number" ? v[key] : 0);
  return (
    <p class="muted">
      Second look by {String(v.model ?? "?")}: {n("verified")} verified, {n("dropped")}{" "}
      dropped under {n("minScore")}, {n("unverified")} unverified
      {typeof v.error === "string" && `: ${scrubCredentials(v.error)}`}
    </p>
  );
}

/** The request's messages one by one, or the request as stored when it is not chat JSON. */
function promptMessages(request: string) {
  let messages: { role?: unknown; content?: unknown }[] | undefined;
  try {
    const parsed = JSON.parse(request) as { messages?: unknown };
    if (Array.isArray(parsed.messages)) messages = parsed.messages;
  } catch {
    // A capped request is no longer JSON: shown as it is.
  }
  if (!messages) return <pre>{scrubCredentials(request)}</pre>;
  return messages.map((m) => (
    <>
      <p class="muted">{String(m.role ?? "?")}</p>
      <pre>{scrubCredentials(typeof m.content === "string" ? m.content : JSON.stringify(m.content))}</pre>
    </>
  ));
}
