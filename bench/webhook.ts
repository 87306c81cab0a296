/**
 * Webhook benchmark: signed GitHub deliveries (GitHub's own `pull_request.opened` example) at
 * rising concurrency against a real `loom serve` child process on SQLite with job processing
 * paused (`--workers 0`), then checks every accepted delivery is a queued job. One JSON line.
 *
 * The load comes from keep-alive connections writing prebuilt HTTP/1.1 requests
 * (`bench/_raw_http.ts`): `fetch` would time the client.
 *
 *   deno task bench:webhook [--deliveries N] [--levels 1,8,32,64] [--cpu-prof DIR]
 *
 * `--cpu-prof DIR` has the server write a V8 CPU profile of its main thread (the HTTP thread)
 * into DIR when it stops; `deno run -A tools/cpu_profile.ts DIR/*.cpuprofile` sums it up.
 */
import { parseArgs } from "node:util";
import { sign } from "@octokit/webhooks-methods";
import { openDatabase } from "../src/db/mod.ts";
import { spawnLoom } from "../tests/support/child.ts";
import { pullRequestEvent } from "../tests/fakes/github/payloads.ts";
import { exchange, rawRequest } from "./_raw_http.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    deliveries: { type: "string", default: "2000" },
    levels: { type: "string", default: "1,8,32,64" },
    "cpu-prof": { type: "string" },
  },
});
const perLevel = Number(values.deliveries);
const levels = String(values.levels).split(",").map(Number);
const SECRET = "bench-webhook-secret";

// Other processes on the machine disturb the figures: the load they put on it is reported.
const loadAverage = async () => {
  try {
    return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    return null;
  }
};
const loadBefore = await loadAverage();

const dir = await Deno.makeTempDir({ prefix: "loom-bench-webhook-" });
const dbUrl = `file:${dir}/loom.db`;
const loom = spawnLoom(
  [
    "serve",
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--db",
    dbUrl,
    "--workers",
    "0",
  ],
  {
    LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
    LOOM_GITHUB_TOKEN: "unused-in-this-benchmark",
    // One repository per 20 deliveries would trip the default 30 reviews a minute: lift it.
    LOOM_RATE_LIMIT_PER_REPO: "100000",
  },
  values["cpu-prof"]
    ? { permissions: ["-A", "--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] }
    : {},
);
const url = `${await loom.listening}/webhooks/github`;

const { hostname, port } = new URL(url);
const example = pullRequestEvent({ action: "opened", repo: "bench/repo", pr: 1, headSha: "0" });
let serial = 0;

/** One signed delivery as the bytes of an HTTP/1.1 request. */
async function delivery(): Promise<Uint8Array> {
  const n = ++serial;
  example.repository.full_name = `bench/repo-${n % 100}`;
  example.number = n;
  example.pull_request.number = n;
  example.pull_request.head.sha = n.toString(16).padStart(40, "0");
  // A sender per delivery, as many people push: one sender would meet LOOM_RATE_LIMIT_PER_USER.
  example.sender.login = `dev-${n}`;
  const body = JSON.stringify(example);
  return rawRequest("POST", "/webhooks/github", `${hostname}:${port}`, {
    "content-type": "application/json",
    "x-github-event": "pull_request",
    "x-github-delivery": crypto.randomUUID(),
    "x-hub-signature-256": await sign(SECRET, body),
  }, body);
}

/**
 * CPU seconds the server process has used (user + system, all its threads), from /proc on Linux;
 * null elsewhere. Per delivery it is the figure other processes' load disturbs least.
 */
async function serverCpuSeconds(): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${loom.process.pid}/stat`);
    // Fields after the command name (which may hold spaces), 1-based from field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: Linux reports process times in 1/100 s. */
const CLOCK_TICKS = 100;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const round = (n: number) => Math.round(n * 100) / 100;

// Warm-up: the JIT and the store's first pages.
{
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const buffer = new Uint8Array(65_536);
  for (let i = 0; i < 200; i++) await exchange(conn, await delivery(), buffer);
  conn.close();
}

let accepted = 200;
const results = [];
for (const concurrency of levels) {
  // Signed before timing: the benchmark measures Loom, not the client's HMAC.
  const prepared = await Promise.all(Array.from({ length: perLevel }, delivery));
  const latencies: number[] = [];
  let next = 0;
  let other = 0;
  const cpuBefore = await serverCpuSeconds();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    const buffer = new Uint8Array(65_536);
    while (next < prepared.length) {
      const request = prepared[next++];
      const t = performance.now();
      const status = await exchange(conn, request, buffer);
      latencies.push(performance.now() - t);
      if (status === 202) accepted++;
      else other++;
    }
    conn.close();
  }));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await serverCpuSeconds();
  latencies.sort((a, b) => a - b);
  results.push({
    concurrency,
    deliveries: perLevel,
    per_s: Math.round(perLevel / seconds),
    p50_ms: round(percentile(latencies, 0.5)),
    p99_ms: round(percentile(latencies, 0.99)),
    not_202: other,
    server_cpu_ms_per_delivery: cpuBefore === null || cpuAfter === null
      ? null
      : round((cpuAfter - cpuBefore) * 1000 / perLevel),
  });
}

loom.process.kill("SIGTERM");
await loom.exited;
const store = await openDatabase(dbUrl);
const jobs = await store.db.selectFrom("jobs").select((eb) => eb.fn.countAll<number>().as("n"))
  .where("kind", "=", "review").executeTakeFirstOrThrow();
await store.close();
await Deno.remove(dir, { recursive: true });

const best = results.reduce((a, b) => (b.per_s > a.per_s ? b : a));
console.log(JSON.stringify({
  bench: "webhook",
  store: "sqlite",
  loadavg_before: loadBefore,
  payload_bytes: JSON.stringify(example).length,
  levels: results,
  best_per_s: best.per_s,
  best_at_concurrency: best.concurrency,
  accepted,
  jobs: Number(jobs.n),
  lost: accepted - Number(jobs.n),
  loadavg_after: await loadAverage(),
}));
