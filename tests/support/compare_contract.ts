/**
 * The compare contract: what every adapter's {@link GitAdapter.compareCommits} and
 * `PullRequest.labels` must do against its platform's fake, whatever the platform — written
 * once, run by each platform's `adapter_test.ts` beside the adapter contract.
 *
 * The fakes hold a commit graph (`tests/fakes/commit_graph.ts`) seeded with the pull request's
 * base and head ({@link HEAD} a child of {@link BASE}); the cases push commits on it, force-push
 * (a commit whose parent is not the old head) and move the base, then compare as an incremental
 * review does.
 * @module
 */

import assert from "node:assert/strict";
import type { CommitGraph } from "../fakes/commit_graph.ts";
import type { RecordedRequest } from "../fakes/fake_server.ts";
import { BASE as SEEDED_BASE, HEAD as SEEDED_HEAD, platformError } from "./adapter_test_kit.ts";
import type { ContractEnv } from "./adapter_contract.ts";
import { reviewedFiles } from "./adapter_contract.ts";

/** What a platform supplies to run the compare contract; `E` is its environment. */
export interface CompareHarness<E extends ContractEnv> {
  /** Names the cases: `"GitHub"`. */
  platform: string;
  /** The platform's env (the adapter contract's `setup`): the pull request seeded. */
  setup(): Promise<E>;
  /** The same with an adapter that reads at most `maxDiffBytes` of a diff. */
  setupWithDiffLimit(maxDiffBytes: number): Promise<E>;
  /** The fake's commits. */
  commits(env: E): CommitGraph;
  /** Whether a recorded request asked the fake for (part of) a diff or a file's text. */
  readsDiff(req: RecordedRequest): boolean;
  /** The diff is git's byte for byte; otherwise file by file. */
  exactDiff: boolean;
  /**
   * Sets the seeded pull request's labels on the fake; null where the platform has none
   * (Bitbucket): `labels` must then stay undefined.
   */
  setLabels: ((env: E, names: string[]) => void) | null;
  /**
   * The seeded pull request's head and the commit it was branched from, on the fake;
   * `adapter_test_kit`'s `HEAD` and `BASE` by default.
   */
  seeded?(env: E): { head: string; base: string };
  /** A commit as the adapter names it (Bitbucket: its first 12 characters); as is by default. */
  named?(sha: string): string;
}

const DB_V1 = "export function find(id) {\n  return sql(id);\n}\n";
const DB_V2 = "export function find(id: string) {\n  return sql(id);\n}\n";

/** Registers the compare contract's `Deno.test` cases for one platform. */
export function runCompareContract<E extends ContractEnv>(h: CompareHarness<E>): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`${h.platform} compare contract: ${name}`, fn);
  const named = h.named ?? ((sha: string) => sha);
  /** The platform's env, with its seeded head and base. */
  const start = async (env: Promise<E>) => {
    const e = await env;
    const { head, base } = h.seeded?.(e) ?? { head: SEEDED_HEAD, base: SEEDED_BASE };
    return Object.assign(e, { HEAD: head, BASE: base });
  };

  /** Two pushes on the seeded head: the first adds files, the second changes one of them. */
  const pushes = (env: E & { HEAD: string }) => {
    const graph = h.commits(env);
    const first = graph.commit(env.HEAD, { "src/db.ts": DB_V1, "docs/old.md": "# Old\n" });
    const second = graph.commit(first, {
      "src/db.ts": DB_V2,
      "src/new.ts": "export const x = 1;\n",
      "docs/old.md": null,
    });
    return { graph, first, second };
  };

  test("a push on the old head: an ancestor, and the diff holds exactly the push's change", async () => {
    await using env = await start(h.setup());
    const { HEAD } = env;
    const { graph, first, second } = pushes(env);
    const found = await env.adapter.compareCommits(env.repo, first, second);
    assert.equal(found.fromIsAncestor, true);
    assert.equal(found.mergeBase, named(first));
    const expected = graph.diff(first, second);
    if (h.exactDiff) assert.equal(found.diff, expected);
    else assert.deepEqual(reviewedFiles(found.diff), reviewedFiles(expected));
    const paths = reviewedFiles(found.diff).map((f) => `${f.status} ${f.path}`);
    assert.deepEqual(paths, ["deleted docs/old.md", "modified src/db.ts", "added src/new.ts"]);
    // Over two pushes the diff is both together, the first's file never touched by the second
    // included.
    const both = await env.adapter.compareCommits(env.repo, HEAD, second);
    assert.equal(both.fromIsAncestor, true);
    assert.deepEqual(reviewedFiles(both.diff), reviewedFiles(graph.diff(HEAD, second)));
  });

  test("the same commit on both sides: an ancestor, and an empty diff", async () => {
    await using env = await start(h.setup());
    const { HEAD } = env;
    const found = await env.adapter.compareCommits(env.repo, HEAD, HEAD);
    assert.deepEqual(found, { fromIsAncestor: true, mergeBase: named(HEAD), diff: "" });
  });

  test("a force push: the old head is no ancestor, and the merge base is where they forked", async () => {
    await using env = await start(h.setup());
    const { HEAD } = env;
    const { first } = pushes(env);
    const rewritten = h.commits(env).commit(HEAD, { "src/db.ts": "rewritten\n" });
    const found = await env.adapter.compareCommits(env.repo, first, rewritten, { diff: false });
    assert.equal(found.fromIsAncestor, false);
    assert.equal(found.mergeBase, named(HEAD));
  });

  test("a base that moved: the new base is no ancestor of the head, the old one is the merge base", async () => {
    await using env = await start(h.setup());
    const { HEAD, BASE } = env;
    const graph = h.commits(env);
    const movedBase = graph.commit(BASE, { "CHANGELOG.md": "# 2.0\n" });
    const found = await env.adapter.compareCommits(env.repo, movedBase, HEAD, { diff: false });
    assert.equal(found.fromIsAncestor, false);
    assert.equal(found.mergeBase, named(BASE));
    // And the other way round: the old head is behind nothing, the base before it is an ancestor.
    const back = await env.adapter.compareCommits(env.repo, BASE, HEAD, { diff: false });
    assert.equal(back.fromIsAncestor, true);
    assert.equal(back.mergeBase, named(BASE));
  });

  test("{diff: false} asks for no diff", async () => {
    await using env = await start(h.setup());
    const { first, second } = pushes(env);
    const before = env.fake.requests.length;
    const found = await env.adapter.compareCommits(env.repo, first, second, { diff: false });
    assert.deepEqual(found, { fromIsAncestor: true, mergeBase: named(first), diff: "" });
    const made = env.fake.requests.slice(before);
    assert.ok(made.length > 0, "the platform was asked");
    assert.deepEqual(made.filter(h.readsDiff).map((r) => `${r.method} ${r.path}`), []);
    // The same comparison with its diff does read one: the check above can fail.
    const withDiff = env.fake.requests.length;
    await env.adapter.compareCommits(env.repo, first, second);
    assert.ok(env.fake.requests.slice(withDiff).some(h.readsDiff), "a diff was read");
  });

  test("a diff past the byte limit throws DiffTooLargeError; within it, it is read whole", async () => {
    const big = Array.from({ length: 200 }, (_, i) => `export const line${i} = ${i};\n`).join("");
    {
      await using env = await start(h.setupWithDiffLimit(1024));
      const { HEAD } = env;
      const pushed = h.commits(env).commit(HEAD, { "src/big.ts": big });
      await assert.rejects(env.adapter.compareCommits(env.repo, HEAD, pushed), {
        name: "DiffTooLargeError",
        message: /larger than 1024 bytes/,
      });
    }
    await using env = await start(h.setupWithDiffLimit(1024 * 1024));
    const { HEAD } = env;
    const pushed = h.commits(env).commit(HEAD, { "src/big.ts": big });
    const found = await env.adapter.compareCommits(env.repo, HEAD, pushed);
    assert.deepEqual(reviewedFiles(found.diff), reviewedFiles(h.commits(env).diff(HEAD, pushed)));
  });

  test("an unknown commit is a permanent PlatformError", async () => {
    await using env = await start(h.setup());
    const { HEAD } = env;
    const unknown = "f".repeat(40);
    for (const [from, to] of [[unknown, HEAD], [HEAD, unknown]]) {
      const error = await platformError(env.adapter.compareCommits(env.repo, from, to));
      assert.equal(error.retryable, false, error.message);
      assert.ok(error.status === 404 || error.status === 400, `${error.status}: ${error.message}`);
    }
  });

  test("the pull request's labels are read", async () => {
    await using env = await start(h.setup());
    if (!h.setLabels) {
      assert.equal(env.pr.labels, undefined);
      return;
    }
    assert.deepEqual(env.pr.labels, []);
    h.setLabels(env, ["bug", "needs review"]);
    const pr = await env.adapter.getPullRequest(env.repo, env.pr.number);
    assert.deepEqual(pr.labels, ["bug", "needs review"]);
  });
}
