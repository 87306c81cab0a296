/**
 * The Overview, the page after sign-in: the queue's queued, running and dead jobs, live.
 * @module
 */
import { totalsByStatus } from "../queue/mod.ts";
import type { DashboardPage, PageContext } from "./page.ts";

async function queueCards(ctx: PageContext) {
  const totals = totalsByStatus(await ctx.deps.queue.count());
  return (
    <div class="cards">
      <div class="card">
        <div class="n">{totals.queued}</div>
        <div class="label">queued</div>
      </div>
      <div class="card">
        <div class="n">{totals.running}</div>
        <div class="label">running</div>
      </div>
      <div class={totals.dead ? "card bad" : "card"}>
        <div class="n">{totals.dead}</div>
        <div class="label">dead</div>
      </div>
    </div>
  );
}

/** `/`: the Overview. */
export const overviewPage: DashboardPage = {
  path: "/",
  title: "Overview",
  nav: "overview",
  async render(ctx) {
    const parts = await this.live!(ctx);
    return <section id="queue">{parts.queue}</section>;
  },
  async live(ctx) {
    return { queue: await queueCards(ctx) };
  },
};
