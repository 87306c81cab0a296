/**
 * The soak: signed GitHub deliveries at a steady rate to a real `loom serve`, spread over many
 * pull requests, while the fake GitHub and the fake model fail at random (seeded): 5xx, 429s
 * with and without `Retry-After`, hangs shorter and longer than the model's timeout, and
 * connections dropped after a write landed. Then it waits for the queue to drain and counts what
 * a user would see: every accepted delivery's job and review ended, the last head of every pull
 * request reviewed with a final status, and no comment posted twice (counted on the fake).
 * `tests/faults_test.ts` runs a short one; `deno task bench:soak` the full one.
 *
 * The deliveries are a mix: mostly pushes of a new head (each supersedes the pull request's
 * unfinished review), redeliveries of an earlier delivery (Loom must dedupe them), and
 * `/loom review` commands from the repository's owner. One pull request's deliveries go out one
 * after the other, as a platform sends them; different pull requests' overlap.
 *
 * @example
 * ```ts ignore
 * import { runSoak } from "./soak.ts";
 *
 * const figures = await runSoak({ deliveries: 300, seconds: 10, pullRequests: 20, seed: 7 });
 * console.log(JSON.stringify(figures)); // {"bench":"soak","deliveries":300,"accepted":…}
 * ```
 * @module
 */

import { createClient } from "@libsql/client";
import { fault, type FaultKind, seededRandom } from "../fakes/faults.ts";
import { pullRequestEvent } from "../fakes/github/payloads.ts";
import { waitFor } from "./child.ts";
import {
  FAULT_REPO,
  type FaultWorld,
  finalStatus,
  postedOnce,
  reviewCommand,
  signedDelivery,
  startFaultWorld,
} from "./fault_world.ts";

/** What {@link runSoak} does. */
export interface SoakOptions {
  /** Signed deliveries sent in all. */
  deliveries: number;
  /** Over about this many seconds, evenly spaced. */
  seconds: number;
  /** Spread over pull requests #1…#n of one repository. */
  pullRequests: number;
  /** Seeds the faults' and the deliveries' draws; random when absent (and printed in the figures). */
  seed?: number;
  /** How long the queue may take to drain after the last delivery; 120 s by default. */
  drainMs?: number;
}

/**
 * The soak's figures, the `bench:soak` JSON line: `accepted` deliveries (202), of which `final`
 * have their job and review ended and `not_final` do not; `lost` counts those, plus reviews left
 * unended and pull requests whose last head was never reviewed (nor ended failed, its job out of
 * attempts: `last_heads_failed`); `duplicates` are summaries past
 * the first and inline comments posted twice for one finding, per pull request, on the fake.
 */
export interface SoakFigures {
  bench: "soak";
  deliveries: number;
  accepted: number;
  final: number;
  not_final: number;
  lost: number;
  duplicates: number;
  faults_injected: number;
  /** Peak resident memory of the `loom serve` child (VmHWM), in MiB. */
  max_rss_mb: number;
  seed: number;
  pull_requests: number;
  /** Deliveries answered 200 (a redelivery, a head already reviewed). */
  ignored: number;
  /** Deliveries answered anything but 200 or 202. */
  refused: number;
  /** Pull requests whose last head ended with a succeeded review and a final commit status. */
  last_heads_reviewed: number;
  /**
   * Pull requests whose last head's review ended failed, its job out of attempts under the
   * faults (not lost: the review row says so).
   */
  last_heads_failed: number;
  /** Accepted deliveries whose job the queue gave up on (no attempt left). */
  dead: number;
  reviews: number;
  faults: Partial<Record<FaultKind, number>>;
  /** The first jobs left queued or running, with their last error: where to look when any is. */
  unfinished: string[];
  /** Loom's answer times to the deliveries: the median and the 99th percentile. */
  webhook_p50_ms: number;
  webhook_p99_ms: number;
  /** From the first delivery to the last answer (the deliveries are spread over `seconds`). */
  send_s: number;
  /** From the last answer until nothing was queued or running. */
  drain_s: number;
}

/** Runs the soak on a fresh world and returns its figures; the world is gone when it resolves. */
export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  // Short model timeout: a hang past it is a failed attempt, one below it only a slow answer.
  await using w = await startFaultWorld({
    pullRequests: options.pullRequests,
    modelTimeoutS: 2,
  });
  injectFaults(w, random);

  const started = performance.now();
  const sent = await sendDeliveries(w, options, random);
  const sendS = (performance.now() - started) / 1000;
  const drainStarted = performance.now();
  await drain(w, options.drainMs ?? 120_000).catch(() => {/* counted below as not final */});
  const drainS = (performance.now() - drainStarted) / 1000;
  const maxRssMb = peakRssMb(w.loom.process.pid);
  // What the fakes saw, before more could arrive: no fault applies to the counting.
  w.github.faults.clear();
  w.llm.faults.clear();

  const store = await storeFacts(w.dbUrl);
  const accepted = sent.filter((d) => d.status === 202);
  const notFinal = accepted.filter((d) => {
    const job = store.jobs.get(d.jobId!);
    const review = store.reviewsByJob.get(d.jobId!);
    return !job || !FINAL_JOB.has(job) || review === "running";
  });
  const unended = [...store.reviewsByJob.values()].filter((s) => s === "running").length;
  let lastHeadsReviewed = 0;
  // A last head whose review job ran out of attempts under the faults: ended, and said so.
  let lastHeadsFailed = 0;
  const unreviewed: string[] = [];
  let duplicates = 0;
  for (let pr = 1; pr <= options.pullRequests; pr++) {
    duplicates += postedOnce(w, pr).duplicates;
    const head = w.github.pullRequest(FAULT_REPO, pr)!.headSha;
    const reviewed = store.succeededHeads.has(`${pr}:${head}`);
    const status = finalStatus(w, head);
    if (reviewed && status !== undefined && status !== "pending") lastHeadsReviewed++;
    else if (store.failedHeads.has(`${pr}:${head}`)) lastHeadsFailed++;
    else {
      unreviewed.push(
        `PR #${pr} head ${head.slice(0, 12)} not reviewed: status ${status ?? "none"}, reviews ${
          JSON.stringify(store.reviewsOf(pr))
        }`,
      );
    }
  }
  const dead = accepted.filter((d) => store.jobs.get(d.jobId!) === "dead").length;
  return {
    bench: "soak",
    deliveries: sent.length,
    accepted: accepted.length,
    final: accepted.length - notFinal.length,
    not_final: notFinal.length,
    lost: notFinal.length + Math.max(0, unended - notFinal.length) +
      (options.pullRequests - lastHeadsReviewed - lastHeadsFailed),
    duplicates,
    faults_injected: w.github.faults.injected() + w.llm.faults.injected(),
    max_rss_mb: maxRssMb,
    seed,
    pull_requests: options.pullRequests,
    ignored: sent.filter((d) => d.status === 200).length,
    refused: sent.filter((d) => d.status !== 200 && d.status !== 202).length,
    last_heads_reviewed: lastHeadsReviewed,
    last_heads_failed: lastHeadsFailed,
    dead,
    reviews: store.reviewsByJob.size,
    faults: mergeCounts(w.github.faults.counts(), w.llm.faults.counts()),
    unfinished: [...store.unfinished.slice(0, 5), ...unreviewed.slice(0, 5)],
    webhook_p50_ms: percentile(sent.map((d) => d.ms), 0.5),
    webhook_p99_ms: percentile(sent.map((d) => d.ms), 0.99),
    send_s: round(sendS),
    drain_s: round(drainS),
  };
}

const FINAL_JOB = new Set(["succeeded", "dead", "cancelled"]);

/**
 * The random faults, each with its chance per request. Faults that cost an attempt (5xx, a drop,
 * a hang past the model's timeout) are rare enough that three in one job are unlikely; rate
 * limits, which cost none, and slow answers are common. A platform's 429 carries a short
 * `Retry-After` (without one, Loom's adapters wait a minute, longer than a soak); the model's
 * carries none.
 */
function injectFaults(w: FaultWorld, random: () => number) {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const chat = { path: "/v1/chat/completions" };
  w.github.faults.add(() => fault.status(pick([500, 502, 503])), { chance: 0.02, random });
  w.github.faults.add(fault.rateLimited(1), { chance: 0.03, random });
  w.github.faults.add(() => fault.hang(50 + Math.floor(random() * 700)), { chance: 0.04, random });
  w.github.faults.add(fault.drop(), { chance: 0.01, random });
  w.llm.faults.add(fault.rateLimited(), { ...chat, chance: 0.06, random });
  w.llm.faults.add(fault.status(500), { ...chat, chance: 0.02, random });
  w.llm.faults.add(() => fault.hang(2_500), { ...chat, chance: 0.02, random });
  w.llm.faults.add(() => fault.hang(200 + Math.floor(random() * 1_000)), {
    ...chat,
    chance: 0.05,
    random,
  });
}

interface Sent {
  pr: number;
  status: number;
  jobId?: number;
  ms: number;
}

/** Sends the deliveries at an even pace; one pull request's in order, pull requests overlapping. */
async function sendDeliveries(
  w: FaultWorld,
  options: SoakOptions,
  random: () => number,
): Promise<Sent[]> {
  const spacingMs = (options.seconds * 1000) / options.deliveries;
  const chains = new Map<number, Promise<void>>();
  const earlier: { headers: Record<string, string>; body: string }[] = [];
  const sent: Sent[] = [];
  const start = performance.now();
  let serial = 0;
  for (let i = 0; i < options.deliveries; i++) {
    const due = start + i * spacingMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const pr = 1 + Math.floor(random() * options.pullRequests);
    const draw = random();
    const send = async () => {
      let delivery;
      if (draw < 0.15 && earlier.length > 0) {
        // A redelivery: the platform sends the very same delivery (id and body) again.
        delivery = earlier[Math.floor(random() * earlier.length)];
      } else if (draw < 0.22) {
        delivery = await signedDelivery("issue_comment", reviewCommand(pr));
      } else {
        const headSha = (++serial).toString(16).padStart(40, "0");
        w.github.updatePullRequest(FAULT_REPO, pr, { headSha });
        const payload = pullRequestEvent({ action: "synchronize", repo: FAULT_REPO, pr, headSha });
        delivery = await signedDelivery("pull_request", payload);
      }
      earlier.push(delivery);
      const t = performance.now();
      const res = await w.postWebhook(delivery);
      sent.push({ pr, status: res.status, jobId: res.body?.job_id, ms: performance.now() - t });
    };
    const previous = chains.get(pr) ?? Promise.resolve();
    chains.set(pr, previous.then(send));
  }
  await Promise.all(chains.values());
  return sent;
}

/** Waits until no job is queued or running and no review is running. */
async function drain(w: FaultWorld, ms: number) {
  await waitFor(
    async () => {
      const facts = await storeFacts(w.dbUrl);
      return facts.active === 0 && [...facts.reviewsByJob.values()].every((s) => s !== "running");
    },
    ms,
    "the queue to drain",
  );
}

/** What Loom's store holds: each job's status, each review's by its job, heads reviewed. */
async function storeFacts(dbUrl: string) {
  const db = createClient({ url: dbUrl });
  try {
    // The pull requests' jobs: the server's recurring maintenance (prune, backup) has no group
    // and is always queued for later.
    const jobs = await db.execute(
      "select id, kind, status, attempts, last_error, payload from jobs where group_key is not null",
    );
    const reviews = await db.execute(
      "select id, job_id, pr_number, head_sha, status, error from reviews order by id",
    );
    const running = reviews.rows.filter((r) => r.status === "running");
    return {
      jobs: new Map(jobs.rows.map((r) => [Number(r.id), String(r.status)])),
      /** The jobs still queued or running, as the figures show them. */
      unfinished: jobs.rows.filter((r) => r.status === "queued" || r.status === "running")
        .map((r) => `job ${r.id} ${r.kind} ${r.status} #${r.attempts}: ${r.last_error ?? ""}`)
        .concat(running.map((r) => {
          const job = jobs.rows.find((j) => Number(j.id) === Number(r.job_id));
          // The publish and pipeline jobs working for it, which should have ended it.
          const workers = jobs.rows.filter((j) =>
            JSON.parse(String(j.payload)).reviewId === Number(r.id)
          ).map((j) => `${j.kind} ${j.id} ${j.status} #${j.attempts} ${j.last_error ?? ""}`.trim());
          return `review ${r.id} of PR #${r.pr_number} running, its job ${r.job_id} ${job?.status}: ` +
            `${job?.last_error ?? ""}; its jobs: [${workers.join("; ")}]`;
        })),
      active: jobs.rows.filter((r) => r.status === "queued" || r.status === "running").length,
      reviewsByJob: new Map(reviews.rows.map((r) => [Number(r.job_id), String(r.status)])),
      /** A pull request's reviews (head, status, trigger), oldest first, for the figures. */
      reviewsOf: (pr: number) =>
        reviews.rows.filter((r) => Number(r.pr_number) === pr).map((r) =>
          `${String(r.head_sha).slice(0, 7)} ${r.status} ${r.error ?? ""}`.trim()
        ),
      failedHeads: new Set(
        reviews.rows.filter((r) => r.status === "failed").map((r) =>
          `${r.pr_number}:${r.head_sha}`
        ),
      ),
      succeededHeads: new Set(
        reviews.rows.filter((r) => r.status === "succeeded").map((r) =>
          `${r.pr_number}:${r.head_sha}`
        ),
      ),
    };
  } finally {
    db.close();
  }
}

/** The peak resident set of process `pid` (VmHWM in /proc), in MiB; 0 where /proc is absent. */
function peakRssMb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return round(kb / 1024);
  } catch {
    return 0;
  }
}

function mergeCounts(
  ...all: Partial<Record<FaultKind, number>>[]
): Partial<Record<FaultKind, number>> {
  const merged: Partial<Record<FaultKind, number>> = {};
  for (const counts of all) {
    for (const [kind, n] of Object.entries(counts) as [FaultKind, number][]) {
      merged[kind] = (merged[kind] ?? 0) + n;
    }
  }
  return merged;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
