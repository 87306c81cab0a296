/**
 * The world the fault suite and the soak break: a real `loom serve` child on a fresh SQLite file
 * with short leases, the fake GitHub holding the user-search pull request (once or many times
 * over, one per number), and the fake model answering as the scripted reviewer within a short
 * timeout. Faults are added to `github.faults` and `llm.faults` (`tests/fakes/faults.ts`); what
 * a user sees is read back with {@link postedOnce} and {@link finalStatus}.
 *
 * @example
 * ```ts ignore
 * import { fault } from "../fakes/faults.ts";
 * import { deliverPush, postedOnce, startFaultWorld } from "./fault_world.ts";
 *
 * await using w = await startFaultWorld();
 * w.github.faults.add(fault.status(502), { method: "POST", times: 1 });
 * await deliverPush(w, 1, w.headSha);
 * await w.reviewsDone(1);
 * console.log(postedOnce(w, 1)); // { summaries: 1, inline: 2, duplicates: 0 }
 * ```
 * @module
 */

import { type FakeGithub, githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
import { pullRequestComment, pullRequestEvent } from "../fakes/github/payloads.ts";
import { type LoomE2e, startLoomE2e } from "./e2e.ts";
import { reviewer, USER_SEARCH_PR, userSearchDiff } from "./user_search_scenario.ts";

/** The repository every pull request of the world is in. */
export const FAULT_REPO = "octo/app";
const SECRET = "fault-suite-webhook-secret";
const TOKEN = "ghp_fault_suite_token";
/** Marks Loom's summary comment (`src/review/summary.ts`). */
const SUMMARY_MARKER = "<!-- loom:summary -->";
const FINGERPRINT = /<!-- loom:fp:([0-9a-f]+) -->/;

/** A running fault world; see {@link startFaultWorld}. `await using` disposes it. */
export interface FaultWorld extends LoomE2e {
  github: FakeGithub;
  /** The head every pull request starts at. */
  headSha: string;
}

/** Options for {@link startFaultWorld}. */
export interface FaultWorldOptions {
  /** Pull requests #1…#n, each the user-search change; 1 by default. */
  pullRequests?: number;
  /** Seconds the model may take before Loom gives up on the call; 2 by default. */
  modelTimeoutS?: number;
  /** More of Loom's environment (it overrides the world's). */
  env?: Record<string, string>;
}

/**
 * Starts the fake GitHub and model, seeds the pull requests and the base branch's config, and
 * spawns `loom serve` with leases of 3 s (a killed worker's job comes back fast), a second of
 * shutdown grace and no rate limit a soak would meet.
 */
export async function startFaultWorld(options: FaultWorldOptions = {}): Promise<FaultWorld> {
  const github = await startFakeGithub({ token: TOKEN });
  const headSha = "a".repeat(40);
  const diff = await userSearchDiff();
  const e2e = await startLoomE2e({
    platformId: "github",
    model: reviewer(),
    platform(llm) {
      for (let number = 1; number <= (options.pullRequests ?? 1); number++) {
        github.addPullRequest({
          ...USER_SEARCH_PR,
          repo: FAULT_REPO,
          number,
          headSha,
          headRef: `feature-${number}`,
          diff,
        });
      }
      for (const [path, text] of Object.entries(configFiles(llm.url, options.modelTimeoutS ?? 2))) {
        github.setFile(FAULT_REPO, "main", path, text);
      }
      return {
        LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
        LOOM_GITHUB_API_URL: github.url,
        LOOM_GITHUB_TOKEN: TOKEN,
        LOOM_JOB_LEASE_S: "3",
        LOOM_SHUTDOWN_GRACE_S: "1",
        LOOM_RATE_LIMIT_PER_REPO: "100000",
        LOOM_RATE_LIMIT_PER_USER: "100000",
        LOOM_RATE_LIMIT_COMMANDS_PER_PR: "100000",
        ...options.env,
      };
    },
    close: () => github.close(),
  });
  return { ...e2e, github, headSha };
}

/** The user-search config with the model's timeout set, and its security prompt. */
function configFiles(llmUrl: string, timeoutS: number): Record<string, string> {
  return {
    ".loom/config.yaml": `models:
  default: {base_url: ${llmUrl}, api_key_env: LOOM_LLM_API_KEY, model: fake-model, structured_output: json_schema, timeout_s: ${timeoutS}}
pipelines:
  - {name: security, prompt_file: .loom/prompts/security.md, severity: blocker}
  - {name: quality, prompt_file: builtin:quality, severity: warning}
`,
    ".loom/prompts/security.md": "Look for SQL injection and secrets.\n\n{{diff}}\n",
  };
}

/** A signed delivery as the world's GitHub sends it to Loom. */
export function signedDelivery(
  event: string,
  payload: unknown,
  deliveryId?: string,
): Promise<{ headers: Record<string, string>; body: string }> {
  return githubWebhook({ secret: SECRET, event, payload, deliveryId });
}

/**
 * Pushes `headSha` to pull request `pr` on the fake and delivers its `synchronize` (`opened`
 * with `action`) to Loom; returns Loom's answer.
 */
export async function deliverPush(
  w: FaultWorld,
  pr: number,
  headSha: string,
  action = "synchronize",
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  w.github.updatePullRequest(FAULT_REPO, pr, { headSha });
  const payload = pullRequestEvent({ action, repo: FAULT_REPO, pr, headSha });
  return await w.postWebhook(await signedDelivery("pull_request", payload));
}

/** A `/loom review` comment by the repository's owner on pull request `pr`. */
export function reviewCommand(pr: number): unknown {
  return pullRequestComment({ repo: FAULT_REPO, pr, body: "/loom review" });
}

/**
 * What Loom posted on pull request `pr`, counted on the fake: its summaries, its inline
 * comments, and the duplicates among them (every summary past the first, every inline comment
 * whose fingerprint was posted before).
 */
export function postedOnce(
  w: FaultWorld,
  pr: number,
): { summaries: number; inline: number; duplicates: number } {
  const bot = (login: string) => login === "loom[bot]";
  const summaries = w.github.comments(FAULT_REPO, pr)
    .filter((c) => bot(c.user.login) && (c.body ?? "").startsWith(SUMMARY_MARKER)).length;
  const inline = w.github.reviewComments(FAULT_REPO, pr).filter((c) => bot(c.user.login));
  const fingerprints = new Set(inline.map((c) => FINGERPRINT.exec(c.body)?.[1] ?? c.body));
  return {
    summaries,
    inline: inline.length,
    duplicates: Math.max(0, summaries - 1) + inline.length - fingerprints.size,
  };
}

/** The last commit status Loom set on `sha`, or undefined. */
export function finalStatus(w: FaultWorld, sha: string): string | undefined {
  return w.github.statuses(FAULT_REPO, sha).at(-1)?.state;
}
