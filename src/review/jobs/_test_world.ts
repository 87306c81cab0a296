/**
 * What the handler tests share: a fresh store and queue, the in-memory platform, a model that
 * answers scripted findings, and a driver that runs queued jobs in-process, one at a time, the
 * way the worker pool would (parse, run, complete, fail or postpone). Private to the folder's
 * tests.
 * @module
 */
import { type StoreFactory, type StoreWorld, withStores } from "../../../tests/stores.ts";
import {
  createMemoryGitAdapter,
  type MemoryGitAdapter,
} from "../../../tests/support/memory_git_adapter.ts";
import { enqueueJob, type JobPayload } from "../../jobs.ts";
import { silentLogger } from "../../log.ts";
import type { Job } from "../../queue/mod.ts";
import type { JobHandler } from "../../worker/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { reviewHandlers } from "./handlers.ts";

/** The model's base URL: never dialled, the model's fetch is answered in-process. */
const MODEL_URL = "http://model.test/v1";

/** The repository every test reviews. */
export const REPO = { platform: "memory", fullName: "octo/app" };

/** The pull request's change: one added line in `src/a.js`, line 2. */
export const DIFF = `diff --git a/src/a.js b/src/a.js
index 1111111..2222222 100644
--- a/src/a.js
+++ b/src/a.js
@@ -1,2 +1,3 @@
 const a = 1;
+const b = eval(input);
 export { a };
`;

/** A config on `main` reviewing with one warning pipeline; `extra` is appended as YAML. */
export function configYaml(extra = ""): string {
  return `models:
  default: {base_url: ${MODEL_URL}, model: fake-model}
pipelines:
  - {name: quality, prompt_file: builtin:quality, severity: warning}
${extra}`;
}

/** A finding as the model answers it, on the added line. */
export const EVAL_FINDING = {
  path: "src/a.js",
  line: 2,
  end_line: null,
  severity: "warning",
  title: "eval of input",
  body: "Do not eval what users send.",
  suggestion: null,
};

/** One job run of {@link ReviewWorld.runJobs}. */
export interface JobRun {
  id: number;
  kind: string;
  outcome: "succeeded" | "postponed" | "failed";
  payload: unknown;
}

/** Each run as `kind:outcome`, to compare with {@link reviewSteps}. */
export function steps(runs: JobRun[]): string[] {
  return runs.map((r) => `${r.kind}:${r.outcome}`);
}

/**
 * The runs of a review with `pipelines` pipelines when nothing fails: the publish job, queued in
 * the high lane before the pipelines, shows the pending status and waits; the last pipeline
 * resumes it.
 */
export function reviewSteps(pipelines: number): string[] {
  return [
    "review:succeeded",
    "publish:postponed",
    ...Array(pipelines).fill("pipeline:succeeded"),
    "publish:succeeded",
  ];
}

/** See the module doc. */
export interface ReviewWorld extends StoreWorld {
  git: MemoryGitAdapter;
  deps: ReviewJobDeps;
  /**
   * The findings the model answers with, per call (set it before the pipelines run), and the
   * request body of each call.
   */
  model: { findings: unknown[]; calls: number; prompts: string[] };
  /** Queues a `review` job as intake would for pull request 1 at `headSha`. */
  requestReview(headSha?: string, trigger?: string): Promise<number>;
  /**
   * Claims and runs jobs until none is due; `kinds` limits which (to force an order), `before`
   * is called before each run (to change the platform between stages).
   */
  runJobs(options?: { kinds?: string[]; before?: (job: Job) => void }): Promise<JobRun[]>;
}

/**
 * Runs `body` in a fresh world on `factory`'s store. Pull request 1 is open on `main` with
 * {@link DIFF}, and `main` holds {@link configYaml} unless `config` says otherwise (null: none).
 */
export function withReviewWorld(
  factory: StoreFactory,
  body: (w: ReviewWorld) => Promise<void>,
  config: string | null = configYaml(),
): Promise<void> {
  // Retries come back at once, so a test sees them in the same runJobs.
  return withStores(factory, async (stores) => {
    const git = createMemoryGitAdapter();
    const pr = git.setPullRequest(REPO, { number: 1, headSha: "1".repeat(40) });
    git.setDiff(REPO, 1, DIFF);
    if (config !== null) git.setFile(REPO, "main", ".loom/config.yaml", config);
    const model = { findings: [] as unknown[], calls: 0, prompts: [] as string[] };
    const deps: ReviewJobDeps = {
      store: stores.reviews,
      queue: stores.queue,
      adapters: { memory: git },
      llm: { baseUrl: MODEL_URL, model: "fake-model" },
      policy: { allowedKeyEnvs: [], serverBaseUrl: MODEL_URL },
      env: {},
      log: silentLogger,
      fetch: (_input, init) => {
        model.calls++;
        model.prompts.push(typeof init?.body === "string" ? init.body : "");
        return Promise.resolve(Response.json(chatCompletion({ findings: model.findings })));
      },
    };
    const handlers: Record<string, JobHandler> = reviewHandlers(deps);
    const worker = "test-worker";

    const runJobs: ReviewWorld["runJobs"] = async (options = {}) => {
      const runs: JobRun[] = [];
      const kinds = options.kinds ?? Object.keys(handlers);
      for (let n = 0; n < 100; n++) {
        const [job] = await stores.queue.claim(worker, 1, { kinds, leaseMs: 30_000 });
        if (!job) return runs;
        options.before?.(job);
        const run = { id: job.id, kind: job.kind, payload: job.payload };
        try {
          const result = await handlers[job.kind](job, { signal: new AbortController().signal });
          if (result) {
            await stores.queue.postpone(worker, job, result.postpone);
            runs.push({ ...run, outcome: "postponed" });
          } else {
            await stores.queue.complete(worker, [job]);
            runs.push({ ...run, outcome: "succeeded" });
          }
        } catch (error) {
          await stores.queue.fail(worker, job, error);
          runs.push({ ...run, outcome: "failed" });
        }
      }
      throw new Error("jobs still due after 100 runs");
    };

    await body({
      ...stores,
      git,
      deps,
      model,
      async requestReview(headSha = pr.headSha, trigger = "opened") {
        const payload: JobPayload<"review"> = { repo: REPO, pr: 1, headSha, trigger };
        const { id } = await enqueueJob(stores.queue, "review", "normal", payload, {
          groupKey: `memory:${REPO.fullName}#1`,
        });
        return id;
      },
      runJobs,
    });
  }, { backoff: { baseMs: 0, capMs: 0 } });
}

/** An OpenAI chat completion whose message is `content` as JSON, with fixed usage. */
export function chatCompletion(content: unknown) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "fake-model",
    choices: [{
      index: 0,
      message: { role: "assistant", content: JSON.stringify(content) },
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  };
}
