/**
 * Incremental review benchmark: what a pull request's later pushes cost when only what changed
 * since the last review is sent to the model, against reviewing the whole pull request again.
 * In-process (the review, pipeline and publish jobs over a fresh SQLite store and the in-memory
 * platform) against the fake model over HTTP taking 1 s per call: a 1,000-line pull request,
 * then five pushes of 50 changed lines each. Prompt tokens are what the model reported (the fake
 * counts a quarter token per character of the prompt). Prints one JSON line;
 * `later_pushes_token_ratio` is the incremental prompt tokens of pushes 2–5 over the full
 * reviews' prompt tokens of the same pushes.
 *
 *   deno task bench:incremental [--delay-ms 1000]
 */
import { parseArgs } from "node:util";
import { structuredPatch } from "diff";
import { silentLogger } from "../src/log.ts";
import { enqueueJob } from "../src/jobs.ts";
import { reviewHandlers } from "../src/review/jobs/mod.ts";
import type { JobHandler } from "../src/worker/mod.ts";
import { sqliteStore, withStores } from "../tests/stores.ts";
import { answer, startFakeLlm } from "../tests/fakes/llm/server.ts";
import { createMemoryGitAdapter } from "../tests/support/memory_git_adapter.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { "delay-ms": { type: "string", default: "1000" } },
});
const delayMs = Number(values["delay-ms"]);

const REPO = { platform: "memory", fullName: "bench/app" };
const BASE = "b".repeat(40);
const FILES = 10;
const ADDED_PER_FILE = 100;
const PUSHES = 5;
const PUSH_LINES = 25; // replaced in one file: 25 deleted + 25 added = 50 changed lines

type Tree = Map<string, string[]>;

const path = (f: number) => `src/module_${f}/service_${f}.ts`;
const baseTree = (): Tree =>
  new Map(Array.from({ length: FILES }, (_, f) => [
    path(f),
    Array.from({ length: 20 }, (_, i) => `export const setting${i} = load("${f}.${i}");`),
  ]));
const prTree = (): Tree => {
  const tree = baseTree();
  for (const [p, lines] of tree) {
    for (let i = 0; i < ADDED_PER_FILE; i++) {
      lines.push(
        `export async function step${i}(input: Input) { return await call("${p}", ${i}, input); }`,
      );
    }
  }
  return tree;
};
/** Push `n` (1-based) rewrites 25 lines of file `n - 1`. */
const pushed = (tree: Tree, n: number): Tree => {
  const next = new Map([...tree].map(([p, lines]) => [p, [...lines]]));
  const lines = next.get(path(n - 1))!;
  for (let i = 0; i < PUSH_LINES; i++) {
    lines[30 + i] =
      `export async function step${i}v${n}(input: Input) { return call${n}(input, ${i}); }`;
  }
  return next;
};

/** A git-style diff from `from` to `to`. */
function gitDiff(from: Tree, to: Tree): string {
  let out = "";
  for (const [p, lines] of to) {
    const old = (from.get(p) ?? []).join("\n") + "\n";
    const patch = structuredPatch(p, p, old, lines.join("\n") + "\n", "", "", { context: 3 });
    if (patch.hunks.length === 0) continue;
    out += `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n`;
    for (const h of patch.hunks) {
      out += `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`;
      out += h.lines.map((l) => `${l}\n`).join("");
    }
  }
  return out;
}

/** The fake model: after `delayMs`, one finding on the first added line of the prompt. */
function modelAnswer(req: { body: { messages?: { content: string }[] } }) {
  const prompt = (req.body.messages ?? []).map((m) => m.content).join("\n");
  const at = prompt.match(/^\+\+\+ b\/(\S+)\n@@ -\d+,\d+ \+(\d+)/m);
  const findings = at
    ? [{
      path: at[1],
      line: Number(at[2]) + 3,
      end_line: null,
      severity: "warning",
      title: `Unchecked call in ${at[1]}`,
      body: "The call may fail.",
      suggestion: null,
    }]
    : [];
  return answer.json({ findings }, { delayMs });
}

async function run(incremental: boolean, modelUrl: string) {
  return await withStores(sqliteStore, async ({ queue, reviews }) => {
    const git = createMemoryGitAdapter();
    git.setFile(
      REPO,
      "main",
      ".loom/config.yaml",
      `models:\n  default: {base_url: ${modelUrl}, model: fake-model}\n` +
        "pipelines:\n  - {name: quality, prompt_file: builtin:quality, severity: warning}\n" +
        `triggers: {max_changes: 5000}\nreview: {incremental: ${incremental}}\n`,
    );
    const handlers = reviewHandlers({
      store: reviews,
      queue,
      adapters: { memory: git },
      llm: { baseUrl: modelUrl, model: "fake-model" },
      policy: { allowedKeyEnvs: [], serverBaseUrl: modelUrl },
      env: {},
      log: silentLogger,
    });
    const base = baseTree();
    let tree = prTree();
    const review = async (n: number, headSha: string, pushDiff: string, from?: string) => {
      git.setPullRequest(REPO, { number: 1, headSha, baseSha: BASE });
      git.setDiff(REPO, 1, gitDiff(base, tree));
      git.setComparison(REPO, BASE, headSha, {
        fromIsAncestor: true,
        mergeBase: "m".repeat(40),
        diff: "",
      });
      if (from) {
        git.setComparison(REPO, from, headSha, {
          fromIsAncestor: true,
          mergeBase: from,
          diff: pushDiff,
        });
      }
      const started = performance.now();
      await enqueueJob(queue, "review", "normal", {
        repo: REPO,
        pr: 1,
        headSha,
        trigger: "new_commits",
      }, {
        groupKey: "memory:bench/app#1",
      });
      for (;;) {
        const [job] = await queue.claim("bench", 1, {
          kinds: Object.keys(handlers),
          leaseMs: 60_000,
        });
        if (!job) break;
        const handler = (handlers as Record<string, JobHandler>)[job.kind];
        const result = await handler(job, { signal: new AbortController().signal });
        if (result) await queue.postpone("bench", job, result.postpone);
        else await queue.complete("bench", [job]);
      }
      const wall = Math.round(performance.now() - started);
      const [row] = (await reviews.listReviews({ limit: 1 })).reviews;
      if (row.status !== "succeeded") throw new Error(`review of push ${n} ended ${row.status}`);
      return { push: n, prompt_tokens: row.prompt_tokens, llm_calls: row.llm_calls, wall_ms: wall };
    };
    const first = await review(0, "0".repeat(40), "");
    const pushes = [];
    for (let n = 1; n <= PUSHES; n++) {
      const before = tree;
      tree = pushed(tree, n);
      pushes.push(
        await review(n, String(n).repeat(40), gitDiff(before, tree), String(n - 1).repeat(40)),
      );
    }
    return { first, pushes };
  }, { backoff: { baseMs: 0, capMs: 0 } });
}

const llm = await startFakeLlm();
try {
  llm.setDefault(modelAnswer);
  const incremental = await run(true, llm.url);
  const full = await run(false, llm.url);
  const later = (r: typeof full) => r.pushes.slice(1).reduce((n, p) => n + p.prompt_tokens, 0);
  console.log(JSON.stringify({
    bench: "incremental",
    model_delay_ms: delayMs,
    pr_changed_lines: FILES * ADDED_PER_FILE,
    push_changed_lines: PUSH_LINES * 2,
    incremental,
    full,
    later_pushes_token_ratio: Math.round((later(incremental) / later(full)) * 1000) / 1000,
  }));
} finally {
  await llm.close();
}
