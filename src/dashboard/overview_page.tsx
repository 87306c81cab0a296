/**
 * The Overview, the page after sign-in, all of it live: the queue's queued, running and dead jobs,
 * the recent reviews and failures, reviews and failures per hour, tokens per day over the week, and
 * tokens and cost by model today and over the week (charts drawn as SVG on the server).
 * @module
 */
import { totalsByStatus } from "../queue/mod.ts";
import type { ReviewActivity, UsageGroupTotals } from "../store/mod.ts";
import { BarChart } from "./bar_chart.tsx";
import { formatCount, formatUsd } from "./format.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
import type { DashboardPage, PageContext } from "./page.ts";
import { ReviewTable } from "./review_table.tsx";

/** Reviews the Overview lists. */
const RECENT = 10;
/** Failed reviews it lists. */
const RECENT_FAILURES = 5;

async function queueCards(ctx: PageContext) {
  const totals = totalsByStatus(await ctx.deps.queue.count());
  return (
    <div class="cards">
      <a class="card" href="/jobs?status=queued">
        <div class="n" data-count="queued">{totals.queued}</div>
        <div class="label">jobs queued</div>
      </a>
      <a class="card" href="/jobs?status=running">
        <div class="n" data-count="running">{totals.running}</div>
        <div class="label">jobs running</div>
      </a>
      <a class={totals.dead ? "card bad" : "card"} href="/jobs?status=dead">
        <div class="n" data-count="dead">{totals.dead}</div>
        <div class="label">jobs dead</div>
      </a>
    </div>
  );
}

function activityCards(activity: ReviewActivity) {
  const day = activity.hours.reduce((n, h) => n + h.reviews, 0);
  const failed = activity.hours.reduce((n, h) => n + h.failed, 0);
  const today = activity.days[activity.days.length - 1];
  const week = activity.days.reduce((n, d) => n + d.promptTokens + d.completionTokens, 0);
  return (
    <div class="cards">
      <div class="card">
        <div class="n">{day}</div>
        <div class="label">reviews, last 24 h</div>
      </div>
      <div class={failed ? "card bad" : "card"}>
        <div class="n">{failed}</div>
        <div class="label">failed, last 24 h</div>
      </div>
      <div class="card">
        <div class="n">{formatCount(today.promptTokens + today.completionTokens)}</div>
        <div class="label">tokens today (UTC)</div>
      </div>
      <div class="card">
        <div class="n">{formatCount(week)}</div>
        <div class="label">tokens, 7 days</div>
      </div>
    </div>
  );
}

/** One model's spend today and over the week, from `llm_usage` (priced under `llm.prices`). */
interface ModelSpendRow {
  model: string;
  today?: UsageGroupTotals;
  week: UsageGroupTotals;
}

/** Models with the most spend in the table: the rest are one row apart in `/api/usage`. */
const MODELS_SHOWN = 10;

async function modelSpend(ctx: PageContext): Promise<ModelSpendRow[]> {
  const now = ctx.deps.now();
  const [today, week] = await Promise.all([
    ctx.deps.store.usageTotals({
      groupBy: "model",
      since: now - (now % DAY_MS),
      limit: 1000,
    }),
    ctx.deps.store.usageTotals({
      groupBy: "model",
      since: now - 7 * DAY_MS,
      limit: MODELS_SHOWN,
    }),
  ]);
  const byModel = new Map(today.map((t) => [t.model, t]));
  return week.map((w) => ({ model: w.model ?? "", today: byModel.get(w.model), week: w }));
}

const tokensOf = (t?: UsageGroupTotals) => t ? t.promptTokens + t.completionTokens : 0;
// An unpriced call makes the cost unknown, not smaller: shown as "—" with its tokens.
const costOf = (t?: UsageGroupTotals) =>
  !t ? formatUsd(0) : t.unpricedCalls > 0 ? formatUsd(null) : formatUsd(t.costUsd);

function ModelSpend(props: { spend: ModelSpendRow[] }) {
  if (props.spend.length === 0) return <p class="muted">No model calls in the last 7 days.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Model</th>
            <th class="num">Tokens today</th>
            <th class="num">Cost today</th>
            <th class="num">Tokens, 7 days</th>
            <th class="num">Cost, 7 days</th>
          </tr>
        </thead>
        <tbody>
          {props.spend.map((m) => (
            <tr>
              <td>{m.model}</td>
              <td class="num">{formatCount(tokensOf(m.today))}</td>
              <td class="num">{costOf(m.today)}</td>
              <td class="num">{formatCount(tokensOf(m.week))}</td>
              <td class="num">{costOf(m.week)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Charts(props: { activity: ReviewActivity; spend: ModelSpendRow[] }) {
  const { hours, days } = props.activity;
  const hourLabel = (start: number) => new Date(start).toISOString().slice(11, 13);
  const dayLabel = (start: number) => new Date(start).toISOString().slice(5, 10);
  return (
    <>
      <div class="panel">
        <h2>Reviews per hour, last 24 h (UTC)</h2>
        <BarChart
          label="Reviews per hour over the last 24 hours"
          bars={hours.map((h, i) => ({
            value: h.reviews,
            label: i % 3 === 0 ? hourLabel(h.start) : undefined,
            title: `${hourLabel(h.start)}:00 — ${h.reviews} reviews, ${h.failed} failed`,
          }))}
        />
        <h2>Failed reviews per hour</h2>
        <BarChart
          label="Failed reviews per hour over the last 24 hours"
          height={80}
          bars={hours.map((h, i) => ({
            value: h.failed,
            bad: true,
            label: i % 3 === 0 ? hourLabel(h.start) : undefined,
            title: `${hourLabel(h.start)}:00 — ${h.failed} failed`,
          }))}
        />
      </div>
      <div class="panel">
        <h2>Tokens per day, last 7 days (UTC)</h2>
        <BarChart
          label="Tokens per day over the last 7 days"
          bars={days.map((d) => ({
            value: d.promptTokens + d.completionTokens,
            label: dayLabel(d.start),
            title: `${
              dayLabel(d.start)
            } — ${d.reviews} reviews, ${d.promptTokens} prompt and ${d.completionTokens} completion tokens`,
          }))}
        />
        <h2>Tokens and cost by model, today and last 7 days (UTC)</h2>
        <ModelSpend spend={props.spend} />
      </div>
    </>
  );
}

/** `/`: the Overview. */
export const overviewPage: DashboardPage = {
  path: "/",
  title: "Overview",
  nav: "overview",
  async render(ctx) {
    const parts = await overviewPage.live!(ctx);
    return (
      <>
        <section id="queue">{parts.queue}</section>
        <section id="activity">{parts.activity}</section>
        <div class="panel">
          <h2>Recent reviews</h2>
          <section id="recent">{parts.recent}</section>
        </div>
        <div class="panel">
          <h2>Recent failures</h2>
          <section id="failures">{parts.failures}</section>
        </div>
        <section id="charts">{parts.charts}</section>
      </>
    );
  },
  async live(ctx) {
    // Bounded reads: grouped counts (24 and 7 rows, models), two short lists, the queue's counts.
    const [queue, recent, failures, activity, spend] = await Promise.all([
      queueCards(ctx),
      ctx.deps.store.listReviews({ limit: RECENT }),
      ctx.deps.store.listReviews({ status: "failed", limit: RECENT_FAILURES }),
      ctx.deps.store.reviewActivity(ctx.deps.now()),
      modelSpend(ctx),
    ]);
    return {
      queue,
      activity: activityCards(activity),
      recent: <ReviewTable reviews={recent.reviews} empty="No reviews yet." />,
      failures: <ReviewTable reviews={failures.reviews} empty="No failed reviews." />,
      charts: <Charts activity={activity} spend={spend} />,
    };
  },
};
