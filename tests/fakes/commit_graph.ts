/**
 * The commits a fake platform holds: each with its parents and its files, so that the fakes'
 * compare routes answer from real ancestry (a push, a force push, a base that moved) and serve
 * the diff between two trees as git writes it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCommitGraph } from "./commit_graph.ts";
 *
 * const graph = createCommitGraph();
 * const base = graph.add({ files: { "a.ts": "one\n" } });
 * const head = graph.commit(base, { "a.ts": "one\ntwo\n" });
 * const rewritten = graph.commit(base, { "b.ts": "new\n" }); // a force push: not after head
 * assert.equal(graph.isAncestor(base, head), true);
 * assert.equal(graph.isAncestor(head, rewritten), false);
 * assert.equal(graph.mergeBase(head, rewritten), base);
 * assert.equal(
 *   graph.diff(base, head),
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1,2 @@\n one\n+two\n",
 * );
 * ```
 * @module
 */

import { structuredPatch } from "diff";
import { fakeSha } from "./fake_sha.ts";

/** One commit: its parents (none for a root) and every file of its tree, by path. */
export interface FakeCommit {
  sha: string;
  parents: string[];
  files: Readonly<Record<string, string>>;
}

/** One file that differs between two trees, with both sides' text (null where it is absent). */
export interface FileChange {
  path: string;
  status: "added" | "deleted" | "modified";
  oldText: string | null;
  newText: string | null;
  /** The hunks alone, as git writes them after `---`/`+++` (each line ending in `\n`). */
  hunks: string;
}

/** The commits of a fake; see the module doc. */
export interface CommitGraph {
  /** Adds a commit (made-up sha unless given); its parents must be known. Returns its sha. */
  add(commit: { sha?: string; parents?: string[]; files?: Record<string, string> }): string;
  /**
   * A commit on top of `parent`: its files with `changes` applied (`null` deletes a file).
   * Returns its sha.
   */
  commit(parent: string, changes: Record<string, string | null>, sha?: string): string;
  /**
   * Adds `sha` when new: a child of `parent` (when known) with `files`, or the parent's files
   * when not given.
   */
  ensure(sha: string, parent?: string, files?: Record<string, string>): void;
  get(sha: string): FakeCommit | undefined;
  has(sha: string): boolean;
  /** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
  isAncestor(ancestor: string, descendant: string): boolean;
  /** The newest common ancestor of `a` and `b`, or null for unrelated histories. */
  mergeBase(a: string, b: string): string | null;
  /** The commits reachable from `to` and not from `from`, newest first (`git log from..to`). */
  between(from: string, to: string): FakeCommit[];
  /** The files that differ from `from`'s tree to `to`'s, by path. */
  changes(from: string, to: string): FileChange[];
  /** `git diff from to`: the unified diff between the two trees (mode 100644). */
  diff(from: string, to: string): string;
}

/** An empty graph. */
export function createCommitGraph(): CommitGraph {
  const commits = new Map<string, FakeCommit>();
  let made = 0;

  const must = (sha: string) => {
    const c = commits.get(sha);
    if (!c) throw new Error(`the fake has no commit ${sha}`);
    return c;
  };
  const ancestors = (sha: string): Map<string, number> => {
    // Each ancestor with its distance, breadth first: the nearest common one is the merge base.
    const seen = new Map<string, number>([[sha, 0]]);
    const queue = [sha];
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const p of commits.get(at)?.parents ?? []) {
        if (!seen.has(p)) {
          seen.set(p, seen.get(at)! + 1);
          queue.push(p);
        }
      }
    }
    return seen;
  };
  const add: CommitGraph["add"] = (input) => {
    const sha = input.sha ?? fakeSha(`commit ${++made}`);
    for (const p of input.parents ?? []) must(p);
    commits.set(sha, { sha, parents: [...(input.parents ?? [])], files: { ...input.files } });
    return sha;
  };
  const changes = (from: string, to: string): FileChange[] => {
    const before = must(from).files;
    const after = must(to).files;
    const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return paths.flatMap((path): FileChange[] => {
      const oldText = before[path] ?? null;
      const newText = after[path] ?? null;
      if (oldText === newText) return [];
      const status = oldText === null ? "added" : newText === null ? "deleted" : "modified";
      return [{ path, status, oldText, newText, hunks: hunksOf(oldText ?? "", newText ?? "") }];
    });
  };

  return {
    add,
    commit(parent, edits, sha) {
      const files: Record<string, string> = { ...must(parent).files };
      for (const [path, text] of Object.entries(edits)) {
        if (text === null) delete files[path];
        else files[path] = text;
      }
      return add({ sha, parents: [parent], files });
    },
    ensure(sha, parent, files) {
      if (commits.has(sha)) return;
      const known = parent !== undefined && commits.has(parent);
      add({
        sha,
        parents: known ? [parent] : [],
        files: files ?? (known ? must(parent).files : {}),
      });
    },
    get: (sha) => commits.get(sha),
    has: (sha) => commits.has(sha),
    isAncestor: (ancestor, descendant) => ancestors(descendant).has(ancestor),
    mergeBase(a, b) {
      const fromA = ancestors(a);
      let best: string | null = null;
      let bestDistance = Infinity;
      for (const [sha, distance] of ancestors(b)) {
        const total = distance + (fromA.get(sha) ?? Infinity);
        if (total < bestDistance) [best, bestDistance] = [sha, total];
      }
      return best;
    },
    between(from, to) {
      const excluded = ancestors(from);
      return [...ancestors(to)].filter(([sha]) => !excluded.has(sha))
        .sort((x, y) => x[1] - y[1]).map(([sha]) => must(sha));
    },
    changes,
    diff: (from, to) =>
      changes(from, to).map((c) => {
        const a = c.status === "added" ? "/dev/null" : `a/${c.path}`;
        const b = c.status === "deleted" ? "/dev/null" : `b/${c.path}`;
        const mode = c.status === "added"
          ? "new file mode 100644\n"
          : c.status === "deleted"
          ? "deleted file mode 100644\n"
          : "";
        return `diff --git a/${c.path} b/${c.path}\n${mode}--- ${a}\n+++ ${b}\n${c.hunks}`;
      }).join(""),
  };
}

/** The hunks of `oldText` → `newText` with git's three lines of context and range headers. */
export function hunksOf(oldText: string, newText: string): string {
  const { hunks } = structuredPatch("a", "b", oldText, newText, "", "", { context: 3 });
  // git names an empty range by the line before it (`-0,0`), and leaves out a count of 1.
  const range = (start: number, lines: number) =>
    lines === 0 ? `${start - 1},0` : lines === 1 ? `${start}` : `${start},${lines}`;
  return hunks.map((h) =>
    `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@\n` +
    h.lines.map((l) => `${l}\n`).join("")
  ).join("");
}
