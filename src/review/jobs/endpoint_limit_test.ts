import assert from "node:assert/strict";
import { answer, startFakeLlm } from "../../../tests/fakes/llm/server.ts";
import { sqliteStore, withStores } from "../../../tests/stores.ts";
import { createMemoryGitAdapter } from "../../../tests/support/memory_git_adapter.ts";
import { enqueueJob } from "../../jobs.ts";
import { askForFindings, createEndpointLimiter } from "../../llm/mod.ts";
import { silentLogger } from "../../log.ts";
import { createWorkerPool, type RunOutcome } from "../../worker/mod.ts";
import { DIFF, EVAL_FINDING, REPO } from "./_test_world.ts";
import { reviewHandlers } from "./handlers.ts";

const REVIEWS = 10;
const LEASE_MS = 600;

Deno.test("ten reviews at once against a slow model: never more than max_concurrency in flight, no job run twice while it waits past its lease", async () => {
  const llm = await startFakeLlm();
  try {
    // Each answer takes 300 ms; with 2 turns the last call waits ~1.2 s, twice the lease.
    llm.setDefault(answer.json({ findings: [EVAL_FINDING] }, { delayMs: 300 }));
    await withStores(sqliteStore, async (stores) => {
      const git = createMemoryGitAdapter();
      const config = `models:
  default: {base_url: ${llm.url}, model: fake-model, max_concurrency: 2}
pipelines:
  - {name: quality, prompt_file: builtin:quality, severity: warning}
`;
      git.setFile(REPO, "main", ".loom/config.yaml", config);
      for (let pr = 1; pr <= REVIEWS; pr++) {
        git.setPullRequest(REPO, { number: pr, headSha: String(pr).padStart(40, "0") });
        git.setDiff(REPO, pr, DIFF);
      }
      const runs: { kind: string; outcome: RunOutcome; attempt: number }[] = [];
      const pool = createWorkerPool({
        queue: stores.queue,
        handlers: reviewHandlers({
          store: stores.reviews,
          queue: stores.queue,
          adapters: { memory: git },
          llm: { baseUrl: llm.url, model: "fake-model" },
          policy: { allowedKeyEnvs: [], serverBaseUrl: llm.url },
          env: {},
          log: silentLogger,
          // The server's cap (LOOM_LLM_MAX_CONCURRENCY) is higher than the config's 2.
          limiter: createEndpointLimiter({ defaultLimit: 4, caps: { [llm.url]: 4 } }),
        }),
        slots: REVIEWS,
        workerId: "limit-test",
        leaseMs: LEASE_MS,
        pollMs: 50,
        onRunEnd: (job, outcome) => runs.push({ kind: job.kind, outcome, attempt: job.attempts }),
      });
      try {
        for (let pr = 1; pr <= REVIEWS; pr++) {
          await enqueueJob(stores.queue, "review", "normal", {
            repo: REPO,
            pr,
            headSha: String(pr).padStart(40, "0"),
            trigger: "opened",
          }, { groupKey: `memory:${REPO.fullName}#${pr}` });
        }
        const deadline = Date.now() + 20_000;
        while (
          runs.filter((r) => r.kind === "publish" && r.outcome === "succeeded").length < REVIEWS
        ) {
          if (Date.now() > deadline) throw new Error(`not all published: ${JSON.stringify(runs)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await pool.stop(2_000);
      }
      assert.equal(llm.chats().length, REVIEWS, "one call per review, none repeated");
      assert.equal(llm.inFlight().max, 2, "the config's max_concurrency held across all jobs");
      const pipelines = runs.filter((r) => r.kind === "pipeline");
      assert.deepEqual(
        pipelines.map((r) => [r.outcome, r.attempt]),
        Array(REVIEWS).fill(["succeeded", 1]),
        "each pipeline job ran once, on its first attempt, though most waited past the lease",
      );
      for (let pr = 1; pr <= REVIEWS; pr++) {
        const posted = git.comments(REPO, pr);
        assert.ok(
          posted.some((c) => c.body.includes("eval of input")),
          `review ${pr} was posted with its finding`,
        );
      }
    });
  } finally {
    await llm.close();
  }
});

Deno.test("a repository's max_concurrency cannot exceed LOOM_LLM_MAX_CONCURRENCY on the server's endpoint", async () => {
  const llm = await startFakeLlm();
  try {
    llm.setDefault(answer.json({ findings: [] }, { delayMs: 150 }));
    const limiter = createEndpointLimiter({ defaultLimit: 2, caps: { [llm.url]: 2 } });
    const model = {
      name: "default",
      baseUrl: `${llm.url}/`,
      model: "fake-model",
      temperature: 0,
      maxTokens: 100,
      timeoutS: 5,
      structuredOutput: "none" as const,
      maxConcurrency: 50,
    };
    const messages = [{ role: "user" as const, content: "Review" }];
    await Promise.all(
      Array.from({ length: 8 }, () => askForFindings({ model, messages, limiter })),
    );
    assert.equal(llm.chats().length, 8);
    assert.equal(llm.inFlight().max, 2);
  } finally {
    await llm.close();
  }
});
