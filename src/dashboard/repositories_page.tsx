/**
 * The Repositories page and one repository's page: reviews, inline findings by severity, paused
 * pull requests, and the config in effect (as the last review read it) with its validation
 * errors.
 * @module
 */
import { formatConfigError } from "../repo_config/mod.ts";
import type { RepositorySummary } from "../store/mod.ts";
import { formatCount, formatTime } from "./format.ts";
import { notFoundPage } from "./not_found.tsx";
import type { DashboardPage, PageContext } from "./page.ts";
import { ReviewTable } from "./review_table.tsx";

const SEVERITIES = ["blocker", "warning", "info"] as const;

// A function, not a component in the map: Hono would render a `key` as an HTML attribute.
function numCell(n: number) {
  return <td class="num">{formatCount(n)}</td>;
}

function Severities(props: { findings: Record<string, number> }) {
  return (
    <>
      {SEVERITIES.map((s) => numCell(props.findings[s] ?? 0))}
    </>
  );
}

/** `/repositories`. */
export const repositoriesPage: DashboardPage = {
  path: "/repositories",
  title: "Repositories",
  nav: "repositories",
  async render(ctx) {
    const cursor = Number(ctx.c.req.query("cursor"));
    const page = await ctx.deps.store.listRepositories({
      ...(Number.isSafeInteger(cursor) && cursor > 0 ? { cursor } : {}),
      limit: 50,
    });
    if (page.repositories.length === 0) {
      return <p class="muted">No repository has sent Loom an event yet.</p>;
    }
    return (
      <>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Repository</th>
                <th>Platform</th>
                <th class="num">Reviews</th>
                <th class="num">Blockers</th>
                <th class="num">Warnings</th>
                <th class="num">Info</th>
                <th class="num">Paused PRs</th>
                <th>Last event</th>
              </tr>
            </thead>
            <tbody>
              {page.repositories.map((r) => (
                <tr>
                  <td>
                    <a href={`/repositories/${r.id}`}>{r.fullName}</a>
                  </td>
                  <td>{r.platform}</td>
                  <td class="num">{formatCount(r.reviews)}</td>
                  <Severities findings={r.findings} />
                  <td class="num">{r.paused}</td>
                  <td>{formatTime(r.lastEventAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {page.nextCursor && (
          <p class="pager">
            <a href={`/repositories?cursor=${page.nextCursor}`} rel="next">More →</a>
          </p>
        )}
      </>
    );
  },
};

function notFound(ctx: PageContext, id: string) {
  const page = {
    title: "Repository not found",
    nav: "repositories" as const,
    back: { href: "/repositories", label: "All repositories" },
  };
  return notFoundPage(ctx, page, `There is no repository ${id}.`);
}

async function RepositoryView(props: { ctx: PageContext; repo: RepositorySummary }) {
  const { ctx, repo } = props;
  const ref = { platform: repo.platform, fullName: repo.fullName };
  const [paused, config, reviews] = await Promise.all([
    ctx.deps.store.listPausedPullRequests(ref),
    ctx.deps.store.getRepositoryConfig(ref),
    ctx.deps.store.listReviews({ platform: repo.platform, repository: repo.fullName, limit: 20 }),
  ]);
  return (
    <>
      <div class="cards">
        <div class="card">
          <div class="n">{formatCount(repo.reviews)}</div>
          <div class="label">reviews</div>
        </div>
        {SEVERITIES.map((s) => (
          <div class={s === "blocker" && repo.findings[s] ? "card bad" : "card"}>
            <div class="n">{formatCount(repo.findings[s] ?? 0)}</div>
            <div class="label">{s} findings</div>
          </div>
        ))}
        <div class="card">
          <div class="n">{paused.length}</div>
          <div class="label">paused pull requests</div>
        </div>
      </div>

      <h2>Config in effect</h2>
      {config === null
        ? <p class="muted">No review has read this repository's config yet.</p>
        : (
          <div class="panel">
            <p class="muted">
              Read at <code>{config.ref}</code> on {formatTime(config.readAt)}
              {config.text === null && ": no .loom/config.yaml, the server's default applies"}
            </p>
            {config.errors.length > 0 && (
              <div class="error">
                <p>Reviews stop at these errors until they are fixed:</p>
                <ul>
                  {config.errors.map((e) => (
                    <li>
                      <code>{formatConfigError(e)}</code>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {config.text !== null && <pre>{config.text}</pre>}
          </div>
        )}

      <h2>Paused pull requests</h2>
      {paused.length === 0 ? <p class="muted">None.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Pull request</th>
                <th>Paused</th>
                <th>By</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {paused.map((p) => (
                <tr>
                  <td>!{p.pr}</td>
                  <td>{formatTime(p.at)}</td>
                  <td>{p.by ?? "Loom (auto-pause)"}</td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Recent reviews</h2>
      <ReviewTable reviews={reviews.reviews} empty="No reviews yet." />
      {reviews.nextCursor && (
        <p class="pager">
          <a
            href={`/reviews?${new URLSearchParams({
              platform: repo.platform,
              repository: repo.fullName,
            })}`}
          >
            All reviews of {repo.fullName} →
          </a>
        </p>
      )}
    </>
  );
}

/** `/repositories/:id`. */
export const repositoryPage: DashboardPage = {
  path: "/repositories/:id",
  title: "Repository",
  nav: "repositories",
  async render(ctx) {
    const raw = ctx.c.req.param("id") ?? "";
    const id = Number(raw);
    if (!/^\d{1,15}$/.test(raw)) return notFound(ctx, raw.slice(0, 40));
    const repo = await ctx.deps.store.getRepository(id);
    if (!repo) return notFound(ctx, raw);
    return (
      <>
        <p>
          <strong>{repo.fullName}</strong> <span class="muted">{repo.platform}</span>
        </p>
        <RepositoryView ctx={ctx} repo={repo} />
      </>
    );
  },
};
