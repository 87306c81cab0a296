/**
 * Dashboard benchmark: an SQLite store holding `--jobs` (100,000) jobs and `--reviews` (10,000)
 * reviews over 50 repositories, each review with a pipeline run and two inline findings, filled
 * with set-based inserts; then each page (overview, reviews, one review, jobs, repositories, one
 * repository, settings) is rendered `--runs` (50) times through the Hono app, signed in as a
 * browser would be. Prints one JSON line: each page's p50 in ms, `slowest_page_p50_ms`, and
 * the bytes a first load of the overview transfers (its HTML, CSS and JS), which must stay
 * under 100 KB; `ok` says whether every page's p50 is under 100 ms and the first load under
 * 100 KB.
 *
 *   deno task bench:dashboard [--jobs N] [--reviews N] [--runs N]
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { serverView } from "../src/dashboard/mod.ts";
import { migrateToLatest, openDatabase } from "../src/db/mod.ts";
import { createApp } from "../src/http/app.ts";
import { createMetrics } from "../src/http/metrics.ts";
import { silentLogger } from "../src/log.ts";
import { createQueue } from "../src/queue/mod.ts";
import { createReviewStore } from "../src/store/mod.ts";
import { csrfOf, sessionCookie, signInOver } from "../tests/support/dashboard.ts";
import { settingsOf } from "../tests/support/settings.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { jobs: { type: "string" }, reviews: { type: "string" }, runs: { type: "string" } },
});
const JOBS = Number(values.jobs ?? 100_000);
const REVIEWS = Number(values.reviews ?? 10_000);
const RUNS = Number(values.runs ?? 50);
const REPOS = 50;
const ADMIN = "bench-admin-token-0123456789abcdef";
const now = Date.now();
const HOUR = 3_600_000;

const dir = await Deno.makeTempDir({ prefix: "loom-bench-dashboard-" });
const database = await openDatabase(`file:${dir}/loom.db`);
await migrateToLatest(database);
const queue = await createQueue(database, { now: () => now });
const store = createReviewStore(database);
const { db } = database;

// Spread over the last 7 days, so the Overview's hourly and daily charts have data to group.
const seedStarted = performance.now();
await sql`
  insert into jobs (kind, lane, payload, status, attempts, max_attempts, run_at, score, errors,
                    last_error, created_at, updated_at, finished_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${JOBS})
  select case i % 3 when 0 then 'review' when 1 then 'pipeline' else 'publish' end,
         case i % 3 when 0 then 'high' when 1 then 'normal' else 'low' end,
         '{"repo":{"platform":"github","fullName":"octo/app"},"pr":1}',
         case when i % 100 = 0 then 'dead' when i % 50 = 1 then 'queued' else 'succeeded' end,
         1, 3, ${now} - i * 6000, ${now} - i * 6000,
         case when i % 100 = 0
           then '[{"at":0,"attempt":1,"message":"model server answered 500"}]' else '[]' end,
         case when i % 100 = 0 then 'model server answered 500' else null end,
         ${now} - i * 6000, ${now} - i * 6000, ${now} - i * 6000 + 900 from n`.execute(db);
await sql`
  insert into repositories (platform, full_name, created_at, last_event_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${REPOS})
  select 'github', 'octo/repo-' || i, ${now}, ${now} - i from n`.execute(db);
await sql`
  insert into reviews (platform, repository, pr_number, pr_title, head_sha, base_sha, status,
                       trigger, job_id, findings, blockers, prompt_tokens, completion_tokens,
                       llm_calls, duration_ms, created_at, finished_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${REVIEWS})
  select 'github', 'octo/repo-' || (i % ${REPOS} + 1), i, 'Change number ' || i,
         printf('%040d', i), printf('%040d', i + 1),
         case when i % 20 = 0 then 'failed' else 'succeeded' end, 'opened', i, 2, 1,
         4000 + i % 1000, 300 + i % 100, 2, 15000 + i % 5000,
         ${now} - (${REVIEWS} - i) * 60000, ${now} - (${REVIEWS} - i) * 60000 + 15000 from n`
  .execute(db);
const finding = (title: string, fingerprint: string, severity: string) => ({
  path: "src/a.ts",
  line: 3,
  severity,
  pipeline: "security",
  title,
  body: "Body of the finding, a few sentences long, as models write them.",
  fingerprint,
  inDiff: true,
});
const runFindings = JSON.stringify({
  findings: [finding("SQL built from input", "fp-a", "blocker"), finding("Name", "fp-b", "info")],
  droppedUnknownPath: 0,
});
await sql`
  insert into pipeline_runs (review_id, pipeline, model, status, findings, prompt_tokens,
                             completion_tokens, llm_calls, duration_ms, created_at)
  select id, 'security', 'default (gpt-4o-mini)', 'succeeded', ${runFindings}, prompt_tokens,
         completion_tokens, 2, duration_ms, created_at from reviews`.execute(db);
await sql`
  insert into comments (review_id, platform, repository, pr_number, kind, fingerprint,
                        external_id, path, line, start_line, head_sha, created_at, severity,
                        title, pipeline)
  select id, platform, repository, pr_number, 'inline', 'fp-' || k.f, 'c-' || id || k.f,
         'src/a.ts', 3, 3, head_sha, created_at, k.severity, 'Finding ' || k.f, 'security'
  from reviews, (select 'a' as f, 'blocker' as severity union all select 'b', 'info') as k`
  .execute(db);
await sql`insert into pull_request_pauses (platform, repository, pr_number, paused_at, reason)
  select platform, repository, pr_number, created_at, 'auto' from reviews where id % 500 = 0`
  .execute(db);
const oneReview = REVIEWS - 1;
const prompt = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a careful reviewer.\n".repeat(40) },
    { role: "user", content: "diff --git a/src/a.ts b/src/a.ts\n+const x = 1;\n".repeat(200) },
  ],
});
await store.saveTranscripts(
  oneReview,
  "security",
  [1, 2].map((seq) => ({
    seq,
    model: "gpt-4o-mini",
    request: prompt,
    response: JSON.stringify({ choices: [{ message: { content: runFindings } }] }),
    status: 200,
    durationMs: 4_000,
  })),
  now,
);
await store.recordRepositoryConfig({
  platform: "github",
  repository: "octo/repo-1",
  ref: "main",
  text: "models:\n  default: {base_url: https://api.openai.com/v1, model: gpt-4o-mini}\n",
  errors: [],
  readAt: now,
});
const seedMs = Math.round(performance.now() - seedStarted);

const settings = settingsOf({});
const app = createApp({
  store,
  queue,
  metrics: createMetrics(queue.count),
  log: silentLogger,
  adminToken: ADMIN,
  now: () => now + HOUR / 2,
  dashboard: {
    server: serverView({
      settings,
      platforms: {
        ids: ["github", "gitlab"],
        disabled: { gitlab: "LOOM_GITLAB_TOKEN is not set" },
      },
      env: {},
      policy: { allowedKeyEnvs: [] },
    }),
  },
});
const request = (path: string, init: RequestInit = {}) =>
  Promise.resolve(app.request(`http://loom.test${path}`, init));
const cookie = sessionCookie(await signInOver(request, ADMIN));

const get = async (path: string) => {
  const res = await request(path, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return await res.text();
};

// The first load of the overview: its HTML and every asset it links (CSS, JS, icon).
const overview = await get("/");
csrfOf(overview);
const assets = [...overview.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
let firstLoadBytes = new TextEncoder().encode(overview).byteLength;
for (const asset of new Set(assets)) {
  firstLoadBytes += new Uint8Array(await (await request(asset)).arrayBuffer()).byteLength;
}

const [repository] = (await store.listRepositories({ limit: 1 })).repositories;
const pages: Record<string, string> = {
  overview: "/",
  reviews: "/reviews",
  reviews_filtered: "/reviews?repository=octo%2Frepo-1&status=failed",
  review: `/reviews/${oneReview}`,
  jobs: "/jobs",
  repositories: "/repositories",
  repository: `/repositories/${repository.id}`,
  settings: "/settings",
};
const p50: Record<string, number> = {};
for (const [name, path] of Object.entries(pages)) {
  for (let i = 0; i < 3; i++) await get(path); // warm up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await get(path);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  p50[`${name}_p50_ms`] = Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}
const slowest = Math.max(...Object.values(p50));

console.log(JSON.stringify({
  bench: "dashboard",
  jobs: JOBS,
  reviews: REVIEWS,
  runs: RUNS,
  seed_ms: seedMs,
  ...p50,
  slowest_page_p50_ms: slowest,
  first_load_bytes: firstLoadBytes,
  ok: slowest < 100 && firstLoadBytes < 100_000,
}));
await queue.close();
await database.close();
await Deno.remove(dir, { recursive: true });
