/**
 * The end-to-end harness the platform tests share: a real `loom serve` child process on a fresh
 * SQLite file, the fake model, and Loom's admin API to watch the reviews. Each platform's test
 * brings its fake platform, its deliveries and its assertions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pullRequestEvent } from "../fakes/github/payloads.ts";
 * import { githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
 * import { startLoomE2e } from "./e2e.ts";
 * import { reviewer, seedUserSearch, userSearchDiff } from "./user_search_scenario.ts";
 *
 * const [secret, token, headSha] = ["webhook-s3cret", "ghp_t0ken", "a".repeat(40)];
 * const github = await startFakeGithub({ token });
 * await using w = await startLoomE2e({
 *   platformId: "github",
 *   model: reviewer(),
 *   async platform(llm) {
 *     const diff = await userSearchDiff();
 *     seedUserSearch(github, { repo: "octo/app", headSha, diff }, llm.url);
 *     return {
 *       LOOM_GITHUB_WEBHOOK_SECRET: secret,
 *       LOOM_GITHUB_API_URL: github.url,
 *       LOOM_GITHUB_TOKEN: token,
 *     };
 *   },
 *   close: () => github.close(),
 * });
 * const payload = pullRequestEvent({ action: "opened", repo: "octo/app", pr: 1, headSha });
 * const delivery = await githubWebhook({ secret, event: "pull_request", payload });
 * assert.equal((await w.postWebhook(delivery)).status, 202);
 * await w.reviewsDone(1);
 * assert.equal(github.comments("octo/app", 1).length, 1); // the summary
 * const states = github.statuses("octo/app", headSha).map((s) => s.state);
 * assert.deepEqual(states, ["pending", "failure"]); // a blocker was found
 * ```
 * @module
 */

import assert from "node:assert/strict";
import { type FakeAnswer, type FakeLlm, startFakeLlm } from "../fakes/llm/server.ts";
import { freshSqliteUrl } from "../stores.ts";
import { type LoomChild, spawnServe, stopLoom, waitFor } from "./child.ts";
import { reviewCalls } from "./user_search_scenario.ts";

/** The model's API key Loom is given: it must reach the model, and never the logs. */
export const LLM_KEY = "sk-llm-key-never-logged";
/** The admin token Loom is given: the admin API's bearer token and the dashboard's sign-in. */
export const ADMIN_TOKEN = "admin-token-for-the-tests-0123";

/**
 * A running Loom for one platform and its fake model, with what the tests ask of it bound to it;
 * see {@link startLoomE2e}. `await using` disposes it.
 */
export interface LoomE2e extends AsyncDisposable {
  llm: FakeLlm;
  loom: LoomChild;
  /** Loom's base URL. */
  url: string;
  /** The URL of Loom's SQLite store, to look at what it keeps. */
  dbUrl: string;
  /** GETs Loom's admin API at `/api{path}` with the admin token; asserts a 200 and returns JSON. */
  // deno-lint-ignore no-explicit-any
  api(path: string): Promise<any>;
  /** Waits until `count` reviews exist, none running, and the last jobs' completions landed. */
  reviewsDone(count: number): Promise<void>;
  /**
   * POSTs a webhook delivery to the platform's `/webhooks/{platform}`, with `body` instead of
   * the delivery's own when given; returns the status and the JSON answer.
   */
  // deno-lint-ignore no-explicit-any
  postWebhook(delivery: Delivery, body?: string): Promise<{ status: number; body: any }>;
  /** Asserts that Loom's log holds none of `secrets`, nor the model's key. */
  assertNoSecretLogged(...secrets: string[]): void;
  /**
   * Asserts what `/loom review` on a reviewed pull request does: the command is accepted, the
   * pull request is reviewed again from scratch (the model asked again), and nothing is posted
   * twice: `posted()` still counts one summary and `inline` inline comments.
   */
  assertReviewedAgain(
    command: { status: number; body: unknown },
    posted: () => { summaries: number; inline: number },
    inline: number,
  ): Promise<void>;
  /**
   * Kills Loom with SIGKILL (no shutdown: its jobs keep their leases until they lapse) and
   * waits until it is gone.
   */
  kill(): Promise<void>;
  /**
   * Starts Loom again on the same store with the same environment (after {@link kill}, or stops
   * the running one first); `loom` and `url` then name the new process.
   */
  restart(): Promise<void>;
  /** Stops Loom, then closes the platform, the model and the store. */
  dispose(): Promise<void>;
}

/** A webhook delivery as a platform fake makes it. */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** Options for {@link startLoomE2e}. */
export interface LoomE2eOptions {
  /** The platform's id in Loom's webhook route, `/webhooks/{platform}`. */
  platformId: string;
  /** What the fake model answers (see `reviewer`). */
  model: FakeAnswer;
  /**
   * Seeds the platform once the model runs (the config Loom reads names the model's URL) and
   * returns Loom's environment for the platform.
   */
  platform(llm: FakeLlm): Record<string, string> | Promise<Record<string, string>>;
  /** Closes the platform (and whatever else the test made) once Loom has stopped. */
  close(): Promise<void>;
  /**
   * Deno's permission flags for `loom serve`, given the data directory (the SQLite file's);
   * `-A` when absent.
   */
  permissions?: (dataDir: string) => string[];
  /**
   * Where Loom's own model key is set: the environment (`LOOM_LLM_API_KEY`, the default) or
   * only `llm.api_key` in a `loom.yaml` named by `LOOM_CONFIG` — both are settings sources.
   */
  keyIn?: "env" | "yaml";
}

/**
 * Starts the fake model, seeds the platform and spawns `loom serve` on a fresh SQLite file, with
 * the platform's environment and the common one: the model's key, base URL and allowed base URL, the admin
 * token and a fast poll. Always `dispose()` it; a start that fails disposes of what it made.
 */
export async function startLoomE2e(options: LoomE2eOptions): Promise<LoomE2e> {
  const llm = await startFakeLlm();
  llm.setDefault(options.model);
  let db: { url: string; dispose(): Promise<void> } | undefined;
  let loom: LoomChild | undefined;
  const dispose = async () => {
    if (loom) await stopLoom(loom);
    await options.close();
    await llm.close();
    await db?.dispose();
  };
  try {
    const env = await options.platform(llm);
    db = await freshSqliteUrl();
    const dataDir = new URL(db.url).pathname.replace(/\/[^/]*$/, "");
    const key: Record<string, string> = {};
    if (options.keyIn === "yaml") {
      key.LOOM_CONFIG = `${dataDir}/loom.yaml`;
      await Deno.writeTextFile(key.LOOM_CONFIG, `llm:\n  api_key: ${LLM_KEY}\n`);
    } else key.LOOM_LLM_API_KEY = LLM_KEY;
    const serveEnv = {
      // The configs name LOOM_LLM_API_KEY, which goes only to LOOM_LLM_BASE_URL (issue 10).
      LOOM_LLM_BASE_URL: llm.url,
      LOOM_POLL_INTERVAL_MS: "50",
      ...env,
      ...key,
      LOOM_LLM_ALLOWED_BASE_URLS: llm.url,
      LOOM_ADMIN_TOKEN: ADMIN_TOKEN,
    };
    const spawn = () =>
      spawnServe(db!.url, serveEnv, { permissions: options.permissions?.(dataDir) });
    loom = spawn();
    const url = await loom.listening;
    const w: LoomE2e = {
      llm,
      loom,
      url,
      dbUrl: db.url,
      async kill() {
        try {
          w.loom.process.kill("SIGKILL");
        } catch { /* already gone */ }
        await w.loom.exited;
      },
      async restart() {
        await stopLoom(w.loom);
        loom = w.loom = spawn();
        w.url = await w.loom.listening;
      },
      api: (path) => api(w, path),
      reviewsDone: (count) => reviewsDone(w, count),
      postWebhook: (delivery, body) => postWebhook(w, options.platformId, delivery, body),
      assertNoSecretLogged: (...secrets) => assertNoSecretLogged(w, ...secrets),
      assertReviewedAgain: (command, posted, inline) =>
        assertReviewedAgain(w, command, posted, inline),
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
    return w;
  } catch (error) {
    await dispose();
    throw error;
  }
}

function assertNoSecretLogged(w: { loom: LoomChild }, ...secrets: string[]): void {
  const log = w.loom.log();
  for (const secret of [...secrets, LLM_KEY]) {
    assert.ok(!log.includes(secret), "no secret in the logs");
  }
}

// deno-lint-ignore no-explicit-any
async function api(w: { url: string }, path: string): Promise<any> {
  const res = await fetch(`${w.url}/api${path}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(res.status, 200, path);
  return await res.json();
}

async function reviewsDone(w: { url: string; loom: LoomChild }, count: number) {
  await waitFor(
    async () => {
      const { reviews } = await api(w, "/reviews");
      return reviews.length >= count &&
        reviews.every((r: { status: string }) => r.status !== "running");
    },
    30_000,
    `${count} finished reviews\n${w.loom.log()}`,
  );
  // Let the last jobs' completions land.
  await waitFor(async () => (await api(w, "/jobs?status=running")).jobs.length === 0, 10_000);
}

async function postWebhook(
  w: { url: string },
  platform: string,
  delivery: Delivery,
  body = delivery.body,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${w.url}/webhooks/${platform}`, {
    method: "POST",
    headers: delivery.headers,
    body,
  });
  return { status: res.status, body: await res.json() };
}

/** Asserts that a delivery queued nothing: a 200 whose `ignored` says why, matching `why`. */
// deno-lint-ignore no-explicit-any
export function assertIgnored(res: { status: number; body: any }, why: RegExp): void {
  assert.equal(res.status, 200);
  assert.match(res.body.ignored, why);
}

async function assertReviewedAgain(
  w: LoomE2e,
  command: { status: number; body: unknown },
  posted: () => { summaries: number; inline: number },
  inline: number,
): Promise<void> {
  assert.equal(command.status, 202, JSON.stringify(command.body));
  await reviewsDone(w, 2);
  assert.equal(reviewCalls(w.llm.chats()).length, 4, "the model was asked again");
  const now = posted();
  assert.equal(now.summaries, 1, "one summary, edited in place");
  assert.equal(now.inline, inline, "no inline comment twice");
}
