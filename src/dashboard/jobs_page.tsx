/**
 * The Jobs page: the queue's jobs filtered by kind, lane and status, newest first and
 * keyset-paginated, live; retry and cancel buttons; each failed job's error history.
 * @module
 */
import { z } from "zod";
import { type Job, type JobAction, type Lane, LANES } from "../queue/mod.ts";
import { formatTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import type { DashboardPage, PageContext } from "./page.ts";

const STATUSES = ["queued", "running", "succeeded", "dead", "cancelled"] as const;
/** Jobs per page. */
const PAGE_SIZE = 50;

/** The filters a URL may carry; anything else (or out of range) is ignored. */
const filters = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  lane: z.enum(LANES as [Lane, ...Lane[]]).optional().catch(undefined),
  kind: z.string().trim().min(1).max(100).optional().catch(undefined),
  cursor: z.coerce.number().int().positive().optional().catch(undefined),
});
type Filters = z.infer<typeof filters>;

const action = z.object({
  id: z.coerce.number().int().positive(),
  action: z.enum(["retry", "cancel"]),
  back: z.string().max(1_000).optional(),
});

function readFilters(ctx: PageContext): Filters {
  const q = ctx.c.req.query();
  return filters.parse({
    status: q.status || undefined,
    lane: q.lane || undefined,
    kind: q.kind || undefined,
    cursor: q.cursor || undefined,
  });
}

/** `/jobs?...` with `f`'s filters (and cursor when given). */
function jobsUrl(f: Filters, cursor?: number): string {
  const params = new URLSearchParams();
  if (f.status) params.set("status", f.status);
  if (f.lane) params.set("lane", f.lane);
  if (f.kind) params.set("kind", f.kind);
  if (cursor) params.set("cursor", String(cursor));
  const query = params.toString();
  return query ? `/jobs?${query}` : "/jobs";
}

function FilterForm(props: { f: Filters }) {
  const { f } = props;
  return (
    <form class="filters panel" method="get" action="/jobs">
      <label>
        Kind
        <input name="kind" value={f.kind ?? ""} maxlength={100} placeholder="any" />
      </label>
      <label>
        Lane
        <select name="lane">
          <option value="">any</option>
          {LANES.map((l) => <option value={l} selected={f.lane === l}>{l}</option>)}
        </select>
      </label>
      <label>
        Status
        <select name="status">
          <option value="">any</option>
          {STATUSES.map((s) => <option value={s} selected={f.status === s}>{s}</option>)}
        </select>
      </label>
      <button type="submit">Filter</button>
      <a href="/jobs">Clear</a>
      <a href="/jobs?status=dead">Dead letters</a>
    </form>
  );
}

function ActionButton(props: { job: Job; action: JobAction; ctx: PageContext; back: string }) {
  return (
    <form class="inline" method="post" action="/jobs">
      <input type="hidden" name="_csrf" value={props.ctx.csrf} />
      <input type="hidden" name="id" value={String(props.job.id)} />
      <input type="hidden" name="action" value={props.action} />
      <input type="hidden" name="back" value={props.back} />
      <button type="submit" data-action={props.action} data-job-id={String(props.job.id)}>
        {props.action === "retry" ? "Retry" : "Cancel"}
      </button>
    </form>
  );
}

function Errors(props: { job: Job }) {
  const { job } = props;
  if (job.errors.length === 0) return job.lastError ? <pre>{job.lastError}</pre> : null;
  return (
    <details open={job.status === "dead" ? true : undefined}>
      <summary>
        {job.errors.length} error{job.errors.length === 1 ? "" : "s"}
      </summary>
      <ol>
        {job.errors.map((e) => (
          <li>
            attempt {e.attempt}, {formatTime(e.at)}
            <pre>{e.message}</pre>
          </li>
        ))}
      </ol>
    </details>
  );
}

async function jobTable(ctx: PageContext) {
  const f = readFilters(ctx);
  const page = await ctx.deps.queue.list({ ...f, limit: PAGE_SIZE });
  const back = jobsUrl(f, f.cursor);
  const admin = ctx.session.role === "admin";
  return (
    <>
      {page.jobs.length === 0 ? <p class="muted">No jobs match.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th class="num">Job</th>
                <th>Kind</th>
                <th>Lane</th>
                <th>Status</th>
                <th class="num">Attempts</th>
                <th>Created (UTC)</th>
                <th>Updated (UTC)</th>
                <th>Errors</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {page.jobs.map((job) => (
                <tr data-job-id={String(job.id)} data-status={job.status}>
                  <td class="num">{job.id}</td>
                  <td>{job.kind}</td>
                  <td>{job.lane}</td>
                  <td>
                    <span class={`status status-${job.status}`}>{job.status}</span>
                  </td>
                  <td class="num">{job.attempts}/{job.maxAttempts}</td>
                  <td>{formatTime(job.createdAt)}</td>
                  <td>{formatTime(job.updatedAt)}</td>
                  <td>
                    <Errors job={job} />
                  </td>
                  <td>
                    {admin && (job.status === "dead" || job.status === "cancelled") && (
                      <ActionButton job={job} action="retry" ctx={ctx} back={back} />
                    )}
                    {admin && (job.status === "queued" || job.status === "running") && (
                      <ActionButton job={job} action="cancel" ctx={ctx} back={back} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="pager">
        {f.cursor && <a href={jobsUrl(f)}>Newest</a>}{" "}
        {page.nextCursor && <a href={jobsUrl(f, page.nextCursor)} rel="next">Older jobs</a>}
      </p>
    </>
  );
}

async function content(ctx: PageContext, message?: { text: string; error: boolean }) {
  return (
    <>
      {message && <p class={message.error ? "error" : "notice"} role="status">{message.text}</p>}
      <FilterForm f={readFilters(ctx)} />
      <section id="jobs">{await jobTable(ctx)}</section>
    </>
  );
}

/** `/jobs`: list, filter, retry and cancel. */
export const jobsPage: DashboardPage = {
  path: "/jobs",
  title: "Jobs",
  nav: "jobs",
  render: (ctx) => content(ctx),
  async live(ctx) {
    return { jobs: await jobTable(ctx) };
  },
  async post(ctx) {
    const form = action.safeParse(await ctx.c.req.parseBody());
    if (!form.success) return ctx.c.text("a job id and retry or cancel are needed", 400);
    const { id } = form.data;
    const result = await ctx.deps.queue.act(id, form.data.action, "cancelled on the dashboard");
    // Only a jobs URL of this site: `back` must not redirect elsewhere.
    const back = form.data.back && /^\/jobs(\?|$)/.test(form.data.back) ? form.data.back : "/jobs";
    if (result.done) return ctx.c.redirect(back, 303);
    return ctx.c.html(
      <Layout title="Jobs" nav="jobs" user={{ role: ctx.session.role, csrf: ctx.csrf }} live>
        {await content(ctx, { text: result.message, error: true })}
      </Layout>,
      result.why === "no job" ? 404 : 409,
    );
  },
};
