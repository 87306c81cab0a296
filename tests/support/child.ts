/**
 * Starts and watches `loom` child processes for end-to-end tests.
 * @module
 */

import assert from "node:assert/strict";
import { freshSqliteUrl } from "../stores.ts";
import { denoTask, v8Flags } from "./serve_permissions.ts";

/** A child `loom serve` process. */
export interface LoomChild {
  process: Deno.ChildProcess;
  /** Everything it wrote to stderr so far (its JSON log). */
  log(): string;
  /** Resolves with the base URL once it logs that it is listening. */
  listening: Promise<string>;
  /** Resolves with its exit code. */
  exited: Promise<number>;
}

const SUPPORT = new URL("./serve_with_test_jobs.ts", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
// The children run V8 as `loom serve` is run (its young generation's size changes its figures).
const V8_FLAGS = v8Flags(await denoTask("serve"));

/**
 * Spawns `deno run main.ts ARGS` (or the test-jobs server with `testJobs`), with `env` added to
 * a clean environment.
 */
export function spawnLoom(
  args: string[],
  env: Record<string, string> = {},
  options: { testJobs?: boolean; permissions?: string[] } = {},
): LoomChild {
  const process = new Deno.Command(Deno.execPath(), {
    // --no-prompt: a permission missing from `permissions` fails at once instead of waiting.
    args: [
      "run",
      ...V8_FLAGS,
      ...(options.permissions ? ["--no-prompt", ...options.permissions] : ["-A"]),
      options.testJobs ? SUPPORT : MAIN,
      ...args,
    ],
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      NO_COLOR: "1",
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const listening = Promise.withResolvers<string>();
  const decoder = new TextDecoder();
  let port: string | undefined;
  const pump = async () => {
    for await (const chunk of process.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      if (port === undefined) {
        port = /"msg":"listening","host":"[^"]*","port":(\d+)/.exec(stderr)?.[1];
        if (port) listening.resolve(`http://127.0.0.1:${port}`);
      }
    }
  };
  const pumped = pump();
  void process.stdout.cancel();
  const exited = process.status.then(async (s) => {
    await pumped;
    listening.reject(new Error(`loom exited (${s.code}) before listening:\n${stderr}`));
    return s.code;
  });
  listening.promise.catch(() => {});
  return { process, log: () => stderr, listening: listening.promise, exited };
}

/** Polls `check` every 25 ms until it holds; throws after `ms`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = "condition",
) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Spawns `loom serve` on a free port of 127.0.0.1 with the store at `dbUrl`. */
export function spawnServe(
  dbUrl: string,
  env: Record<string, string> = {},
  options: { permissions?: string[] } = {},
): LoomChild {
  return spawnLoom(["serve", "--port", "0", "--host", "127.0.0.1", "--db", dbUrl], env, options);
}

/**
 * Runs `check` with `loom serve` spawned with only `env` on a fresh store (no platform, no
 * model: for how Loom starts, or refuses to), then stops it and removes the store.
 */
export async function withServe(
  env: Record<string, string>,
  check: (loom: LoomChild) => Promise<void>,
): Promise<void> {
  const db = await freshSqliteUrl();
  const loom = spawnServe(db.url, env);
  try {
    await check(loom);
  } finally {
    await stopLoom(loom);
    await db.dispose();
  }
}

/**
 * Asserts that `loom serve`, started with only `env`, answers `/webhooks/{platform}` with a 404
 * whose error names `setting` (what would enable it), and logged at start that the platform is
 * disabled; then runs `more` on the same process.
 */
export async function assertPlatformDisabled(
  platform: string,
  setting: string,
  env: Record<string, string> = {},
  more?: (url: string, loom: LoomChild) => Promise<void>,
): Promise<void> {
  await withServe(env, async (loom) => {
    const url = await loom.listening;
    const res = await fetch(`${url}/webhooks/${platform}`, { method: "POST", body: "{}" });
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, new RegExp(setting));
    assert.match(loom.log(), new RegExp(`"msg":"platform disabled","platform":"${platform}"`));
    await more?.(url, loom);
  });
}

/** Stops a Loom child with SIGTERM and waits for it to exit. */
export async function stopLoom(loom: LoomChild): Promise<void> {
  try {
    loom.process.kill("SIGTERM");
  } catch { /* already gone */ }
  await loom.exited;
}
