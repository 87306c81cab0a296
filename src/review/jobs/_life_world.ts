/**
 * What the life-of-a-review tests share, on top of `_test_world.ts`: pushes of new heads with
 * their pull request diff, the push's own diff and the merge base the memory platform answers,
 * and the request of a full review or a `/loom resolve`. Private to the folder's tests.
 * @module
 */
import { enqueueJob } from "../../jobs.ts";
import type { MemoryWrite } from "../../../tests/support/memory_git_adapter.ts";
import { REPO, type ReviewWorld } from "./_test_world.ts";

/** The base commit and the merge base every pull request of these tests starts from. */
export const BASE = "b".repeat(40);
export const MERGE_BASE = "m".repeat(40);
/** Head commits: `head(1)` is the world's first head. */
export const head = (n: number) => String(n).repeat(40);

const FILE = "diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n";
/** A diff of `src/a.js` with these hunks. */
export const diffOf = (hunks: string) => FILE + hunks;

/** The pull request's diff after the push that replaces `eval` (line 2) with `JSON.parse`. */
export const FIXED_DIFF = diffOf(
  "@@ -1,2 +1,3 @@\n const a = 1;\n+const b = JSON.parse(input);\n export { a };\n",
);
/** That push's own diff, from the first head. */
export const FIX_PUSH = diffOf(
  "@@ -2 +2 @@\n-const b = eval(input);\n+const b = JSON.parse(input);\n",
);

/** The pull request's diff after a push adding `exec(cmd)` as line 4, keeping `eval`. */
export const ADDED_DIFF = diffOf(
  "@@ -1,2 +1,4 @@\n const a = 1;\n+const b = eval(input);\n export { a };\n+run(exec(cmd));\n",
);
export const ADD_PUSH = diffOf("@@ -3,0 +4 @@\n+run(exec(cmd));\n");

/** A finding on the added `exec` line. */
export const EXEC_FINDING = {
  path: "src/a.js",
  line: 4,
  end_line: null,
  severity: "blocker",
  title: "command injection",
  body: "Do not run what users send.",
  suggestion: null,
};

/** Makes the first head's merge base known, as every platform with a compare API tells it. */
export function knowFirstHead(w: ReviewWorld): void {
  w.git.setPullRequest(REPO, { number: 1, baseSha: BASE });
  w.git.setComparison(REPO, BASE, head(1), {
    fromIsAncestor: true,
    mergeBase: MERGE_BASE,
    diff: "",
  });
}

/**
 * Pushes head `n` after head `from`: the pull request's diff becomes `prDiff`, the push's own
 * diff is `pushDiff`; `ancestor` false is a force push, `mergeBase` another merge base.
 */
export function push(
  w: ReviewWorld,
  n: number,
  options: {
    from?: number;
    prDiff: string;
    pushDiff: string;
    ancestor?: boolean;
    mergeBase?: string;
  },
): void {
  const to = head(n);
  w.git.setPullRequest(REPO, { number: 1, headSha: to });
  w.git.setDiff(REPO, 1, options.prDiff);
  w.git.setComparison(REPO, head(options.from ?? n - 1), to, {
    fromIsAncestor: options.ancestor ?? true,
    mergeBase: options.ancestor === false ? null : head(options.from ?? n - 1),
    diff: options.pushDiff,
  });
  w.git.setComparison(REPO, BASE, to, {
    fromIsAncestor: true,
    mergeBase: options.mergeBase ?? MERGE_BASE,
    diff: "",
  });
}

/** Queues a command's job as intake would: a full review, or `/loom resolve`. */
export async function command(
  w: ReviewWorld,
  kind: "full-review" | "resolve",
  by = "maintainer",
): Promise<void> {
  const group = { groupKey: `memory:${REPO.fullName}#1` };
  if (kind === "resolve") {
    await enqueueJob(
      w.queue,
      "resolve",
      "high",
      { repo: REPO, pr: 1, commandBy: { name: by } },
      group,
    );
    return;
  }
  await enqueueJob(w.queue, "review", "high", {
    repo: REPO,
    pr: 1,
    headSha: "",
    trigger: "command",
    commandBy: { name: by },
    full: true,
  }, group);
}

/** The writes since `from` (an index into `w.git.writes`), by operation. */
export function writesSince(w: ReviewWorld, from: number): MemoryWrite[] {
  return w.git.writes.slice(from);
}

/** The last summary posted or edited. */
export function lastSummary(w: ReviewWorld): string {
  const summary = w.git.writes.findLast((x) => x.op === "postSummary");
  if (!summary || summary.op !== "postSummary") throw new Error("no summary posted");
  return summary.body;
}

/** What the model was sent in its last call (the request body). */
export function lastPrompt(w: ReviewWorld): string {
  const prompt = w.model.prompts.at(-1);
  if (prompt === undefined) throw new Error("the model was not called");
  return prompt;
}
