/**
 * The life of a review after its first one, end to end through `loom serve`, the same on every
 * platform: the scenarios of issue 12 as functions over a {@link LifeDriver}, which each
 * platform's test implements over its fake (how a push, a comment, a thread look there).
 *
 * The pull request is the user search (`user_search_scenario.ts`), made as commits in the fake's
 * commit graph ({@link seedLifeCommits}) so that Loom's comparisons answer from real ancestry, and
 * reviewed by {@link lifeModel}, whose findings follow what the prompt holds: a fixed line is not
 * reported again, a new problem is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCommitGraph } from "../fakes/commit_graph.ts";
 * import { lifePush, seedLifeCommits } from "./review_life_e2e.ts";
 *
 * const graph = createCommitGraph();
 * const pr = seedLifeCommits(graph);
 * assert.match(pr.diff, /\+Search users by name\./);
 * const pushed = lifePush(graph, pr, { "docs/search.md": "Names match exactly.\n" });
 * assert.equal(graph.isAncestor(pr.headSha, pushed.headSha), true);
 * const forced = lifePush(graph, pr, { "docs/search.md": "Again.\n" }, { force: true });
 * assert.equal(graph.isAncestor(pr.headSha, forced.headSha), false);
 * assert.match(forced.diff, /\+Search users by name\./); // the whole change, rewritten
 * ```
 * @module
 */

import assert from "node:assert/strict";
import type { CommitGraph } from "../fakes/commit_graph.ts";
import { answer, type ContentAnswer, type RecordedRequest } from "../fakes/llm/server.ts";
import { waitFor } from "./child.ts";
import type { LoomE2e } from "./e2e.ts";
import { FINDINGS, type ModelFinding, promptOf, USERS_JS } from "./user_search_scenario.ts";

/** How a platform's test drives the scenarios: see {@link reviewLifeTests}. */
export interface LifeDriver {
  /** The platform's name in the tests' names: "github", "gitlab"… */
  platform: string;
  /**
   * Starts `loom serve` and the fake with the user-search pull request (its commits seeded with
   * {@link seedLifeCommits}) opened and reviewed once by `model`.
   */
  start(model: (req: RecordedRequest) => ContentAnswer): Promise<LifeWorld>;
}

/** One running Loom and fake, with the pull request reviewed once; `await using` disposes it. */
export interface LifeWorld extends AsyncDisposable {
  e2e: LoomE2e;
  /**
   * Commits `files` (null deletes one) with {@link lifePush} on the head (or, `force`: on the
   * base, a rewritten history), updates the pull request, delivers the push webhook and waits
   * until every job it led to has ended ({@link settle}).
   */
  push(files: Record<string, string | null>, options?: { force?: boolean }): Promise<void>;
  /**
   * Delivers a comment webhook with `text` from a person with write access (default) or one
   * without; waits until every job it led to has ended ({@link settle}).
   */
  comment(text: string, options?: { writer?: boolean }): Promise<void>;
  /** Loom's inline comments (the first of each thread) on the fake, with their thread's state. */
  threads(): LifeThread[];
  /** As a person: resolves the thread of Loom's inline comment `id`. */
  resolveAsPerson(id: string): void;
  /** As a person with write access: replies `body` in the thread of Loom's inline comment `id`. */
  replyAsPerson(id: string, body: string): void;
  /** The bodies of Loom's summary comments (one is expected). */
  summaries(): string[];
  /** The bodies of Loom's plain comments that are not its summary: its answers to commands. */
  replies(): string[];
  /**
   * The statuses Loom set on the pull request's current head, oldest first, in the port's words
   * (`pending`, `success`, `failure`, `error`).
   */
  statuses(): { state: string; description: string }[];
}

/** One of Loom's inline comments as a driver reports it. */
export interface LifeThread {
  /** The comment's id on the platform, as a string; what resolve/reply take. */
  id: string;
  path: string;
  line: number;
  /** Whether its thread is resolved (on a platform without resolution: never). */
  resolved: boolean;
  body: string;
}

/** `src/users.js` with the search's query bound: the SQL finding is fixed. */
export const USERS_JS_FIXED = USERS_JS.search.replace(
  `"select * from users where name = '" + name + "'";\n  return db.query(sql);`,
  `"select * from users where name = ?";\n  return db.query(sql, [name]);`,
);

/** A new file with a new problem, on line 2. */
export const ADMIN_JS = "export function reset(db) {\n" +
  '  return db.query("drop table users");\n' +
  "}\n";

/** The findings {@link lifeModel} answers, each when the prompt holds what it is about. */
export const LIFE_FINDINGS = {
  /** Security, while the search concatenates `name` into its query (line 6 of users.js). */
  sql: FINDINGS.sqlInjection,
  /** Security, once src/admin.js drops the table. */
  drop: {
    path: "src/admin.js",
    line: 2,
    end_line: null,
    severity: "blocker",
    title: "Drops the users table",
    body: "`reset` destroys every user.",
    suggestion: null,
  },
  /** Quality: a warning on README line 3, while the diff adds it. */
  readme: FINDINGS.readme,
} satisfies Record<string, ModelFinding>;

/**
 * The model as a reviewer that reads the diff: the security pipeline reports the SQL injection
 * while the prompt shows the concatenation and not its fix, and the dropped table while it shows
 * that; the quality
 * pipeline reports the README warning while the prompt shows the README line. So a push that
 * fixes a line gets no finding on it again, and an incremental review (the push's diff alone)
 * reports only what the push brought.
 */
export function lifeModel(req: RecordedRequest): ContentAnswer {
  const prompt = promptOf(req);
  const findings: ModelFinding[] = [];
  if (prompt.includes("Look for SQL")) {
    // A fix shows its removed line too: the bound query says the concatenation is gone.
    if (prompt.includes("+ name +") && !prompt.includes("db.query(sql, [name])")) {
      findings.push(LIFE_FINDINGS.sql);
    }
    if (prompt.includes("drop table users")) findings.push(LIFE_FINDINGS.drop);
  } else if (prompt.includes("Search users by name.")) findings.push(LIFE_FINDINGS.readme);
  return answer.json({ findings });
}

/** The base's files, and the head's: the user search. */
export const LIFE_FILES = {
  base: { "src/users.js": USERS_JS.base, "README.md": "# app\n" },
  head: { "src/users.js": USERS_JS.search, "README.md": "# app\n\nSearch users by name.\n" },
};

/** The pull request's commits and the diff the platform shows for them. */
export interface LifeCommits {
  baseSha: string;
  headSha: string;
  /** The pull request's diff: from the base to the head. */
  diff: string;
}

/**
 * Adds the user search's base and head commits to `graph` (with the given shas, made-up ones
 * otherwise); returns them with the pull request's diff, which a driver gives its fake.
 */
export function seedLifeCommits(
  graph: CommitGraph,
  shas: { baseSha?: string; headSha?: string } = {},
): LifeCommits {
  const baseSha = graph.add({ sha: shas.baseSha, files: LIFE_FILES.base });
  const headSha = graph.commit(baseSha, LIFE_FILES.head, shas.headSha);
  return { baseSha, headSha, diff: graph.diff(baseSha, headSha) };
}

/**
 * A push of `files` onto `pr`'s head: a commit of its own on the head, or (`force`) a commit of
 * the head's tree with `files` applied straight on the base, so that the old head is no ancestor
 * of the new one. Returns the new head and the pull request's diff then.
 */
export function lifePush(
  graph: CommitGraph,
  pr: { baseSha: string; headSha: string },
  files: Record<string, string | null>,
  options: { force?: boolean } = {},
): LifeCommits {
  const headSha = options.force
    ? graph.commit(pr.baseSha, { ...graph.get(pr.headSha)!.files, ...files })
    : graph.commit(pr.headSha, files);
  return { baseSha: pr.baseSha, headSha, diff: graph.diff(pr.baseSha, headSha) };
}

/**
 * Waits until the job a webhook queued (`res`, which must be a 202 naming it) has ended, and then
 * every job it led to (a review, its pipelines, its publication): no job queued or running but
 * the server's recurring maintenance.
 */
export async function settle(
  e2e: LoomE2e,
  // deno-lint-ignore no-explicit-any
  res: { status: number; body: any },
): Promise<void> {
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const id = res.body.job_id;
  assert.ok(Number.isInteger(id), JSON.stringify(res.body));
  await waitFor(
    async () => {
      const job = await e2e.api(`/jobs/${id}`);
      if (job.status === "queued" || job.status === "running") return false;
      const { jobs } = await e2e.api("/jobs?limit=200");
      return jobs.every((j: { kind: string; status: string }) =>
        j.kind === "prune" || (j.status !== "queued" && j.status !== "running")
      );
    },
    30_000,
    `job ${id} and what it led to\n${e2e.loom.log().slice(-4000)}`,
  );
}

const PAUSED = /paused/i;
const FULL = /Full review/;

/** The prompts the model was sent from the `from`th request on. */
function promptsSince(w: LifeWorld, from: number): string[] {
  return w.e2e.llm.chats().slice(from).map(promptOf);
}

function threadOf(w: LifeWorld, finding: ModelFinding): LifeThread {
  const t = w.threads().filter((t) => t.path === finding.path && t.line === finding.line);
  assert.equal(t.length, 1, `one thread for ${finding.title}: ${JSON.stringify(w.threads())}`);
  return t[0];
}

/** What the first review posted, which every scenario starts from. */
function assertFirstReview(w: LifeWorld): void {
  assert.equal(w.summaries().length, 1, "one summary");
  assert.deepEqual(
    w.threads().map((t) => [t.path, t.line, t.resolved]).sort(),
    [["README.md", 3, false], ["src/users.js", 6, false]],
    "the first review's two inline comments, open",
  );
}

/** The last status on the head, which a user sees. */
function lastStatus(w: LifeWorld): { state: string; description: string } {
  const statuses = w.statuses();
  assert.ok(statuses.length > 0, "a status on the head");
  return statuses.at(-1)!;
}

/**
 * Registers the seven scenarios of issue 12 for `driver`'s platform, each on a world of its own:
 * a push fixing a finding resolves its thread; a push adding a problem posts only that; a force
 * push is a full review; pause, push, resume; `/loom config`; a dismissed finding stays quiet
 * after `/loom full-review`; a command from someone without write access changes nothing.
 */
export function reviewLifeTests(driver: LifeDriver): void {
  const test = (name: string, fn: (w: LifeWorld) => Promise<void>) =>
    Deno.test(`${driver.platform}: review life: ${name}`, async () => {
      await using w = await driver.start(lifeModel);
      assertFirstReview(w);
      await fn(w);
    });

  test("a push that fixes a finding resolves its thread and posts nothing twice", async (w) => {
    const chats = w.e2e.llm.chats().length;
    await w.push({ "src/users.js": USERS_JS_FIXED });
    const prompts = promptsSince(w, chats);
    assert.ok(prompts.length > 0, "the push was reviewed");
    assert.ok(prompts.every((p) => !p.includes("Search users by name.")), "the push's diff alone");
    assert.equal(threadOf(w, LIFE_FINDINGS.sql).resolved, true, "the fixed finding's thread");
    assert.equal(threadOf(w, LIFE_FINDINGS.readme).resolved, false, "untouched: still open");
    assert.equal(w.threads().length, 2, "no inline comment twice");
    assert.equal(w.summaries().length, 1, "one summary, edited in place");
    assert.equal(lastStatus(w).state, "success", "no blocker left open");
  });

  test("a push that adds a new problem posts only that", async (w) => {
    const before = w.threads();
    const chats = w.e2e.llm.chats().length;
    await w.push({ "src/admin.js": ADMIN_JS });
    const prompts = promptsSince(w, chats);
    assert.ok(prompts.some((p) => p.includes("drop table users")), "the push was reviewed");
    assert.ok(prompts.every((p) => !p.includes("+ name +")), "incrementally: the push's diff");
    const after = w.threads();
    assert.equal(after.length, 3, "one new inline comment");
    const added = after.filter((t) => !before.some((b) => b.id === t.id));
    assert.deepEqual(added.map((t) => [t.path, t.line, t.resolved]), [["src/admin.js", 2, false]]);
    assert.match(added[0].body, /Drops the users table/);
    for (const b of before) {
      const now = after.find((t) => t.id === b.id);
      assert.deepEqual([now?.body, now?.resolved], [b.body, false], "the others as they were");
    }
    assert.equal(w.summaries().length, 1);
    assert.equal(lastStatus(w).state, "failure", "blockers are open");
  });

  test("a force push leads to a full review of the whole diff", async (w) => {
    const chats = w.e2e.llm.chats().length;
    await w.push({ "docs/search.md": "Names match exactly.\n" }, { force: true });
    const prompts = promptsSince(w, chats);
    assert.ok(prompts.some((p) => p.includes("+ name +")), "the model saw the whole diff");
    assert.ok(prompts.some((p) => p.includes("Search users by name.")), "every file of it");
    assert.equal(w.summaries().length, 1);
    assert.match(
      w.summaries()[0],
      /Full review \(history was rewritten: [0-9a-f]{7} is not an ancestor/,
    );
    assert.equal(w.threads().length, 2, "the same findings are not posted again");
    assert.ok(w.threads().every((t) => !t.resolved), "and stay open");
    assert.equal(lastStatus(w).state, "failure");
  });

  test("/loom pause, a push is not reviewed, /loom resume reviews it", async (w) => {
    await w.comment("/loom pause");
    assert.equal(w.replies().length, 1, "the pause is answered");
    assert.match(w.replies()[0], PAUSED);
    const chats = w.e2e.llm.chats().length;
    const reviews = (await w.e2e.api("/reviews")).reviews.length;
    await w.push({ "src/admin.js": ADMIN_JS });
    assert.equal(w.e2e.llm.chats().length, chats, "the model was not asked");
    assert.equal(w.threads().length, 2, "nothing posted");
    const skipped = lastStatus(w);
    assert.equal(skipped.state, "success", JSON.stringify(w.statuses()));
    assert.match(skipped.description, /skipped.*paused/i);

    await w.comment("/loom resume");
    assert.equal(w.replies().length, 2);
    assert.match(w.replies()[1], /resumed/i);
    assert.ok(w.e2e.llm.chats().length > chats, "the skipped head is reviewed");
    assert.ok((await w.e2e.api("/reviews")).reviews.length > reviews);
    assert.equal(w.threads().length, 3, "the push's problem is posted once");
    assert.equal(threadOf(w, LIFE_FINDINGS.drop).resolved, false);
    const reviewed = lastStatus(w);
    assert.equal(reviewed.state, "failure", JSON.stringify(w.statuses()));
    assert.doesNotMatch(reviewed.description, /skipped/i);
    assert.equal(w.summaries().length, 1);
  });

  test("/loom config answers where each value came from", async (w) => {
    await w.comment("/loom config");
    assert.equal(w.replies().length, 1);
    const reply = w.replies()[0];
    assert.match(reply, /Loom config for this pull request/);
    assert.match(reply, /Read from `\.loom\/config\.yaml` on `main`/);
    assert.match(reply, /`models\.default\.model`: .*fake-model.* · file/);
    assert.match(reply, /`pipelines\[0\]\.name`: .*security.* · file/);
    assert.match(reply, / · default/, "and the values no file set");
    assert.equal(w.threads().length, 2, "nothing else posted");
    assert.equal(w.summaries().length, 1);
  });

  test("a dismissed finding stays quiet after /loom full-review", async (w) => {
    const sql = threadOf(w, LIFE_FINDINGS.sql);
    const readme = threadOf(w, LIFE_FINDINGS.readme);
    w.resolveAsPerson(sql.id);
    w.replyAsPerson(readme.id, "Won't fix: the README says enough.");
    const chats = w.e2e.llm.chats().length;
    await w.comment("/loom full-review");
    const prompts = promptsSince(w, chats);
    assert.ok(prompts.some((p) => p.includes("+ name +")), "reviewed again, in full");
    assert.ok(prompts.some((p) => p.includes("Search users by name.")));
    assert.equal(w.summaries().length, 1);
    const summary = w.summaries()[0];
    assert.match(summary, FULL);
    // Reported again, yet neither is listed as a finding: each is named once, as dismissed.
    assert.match(summary, /No findings\./);
    assert.match(summary, /dismissed by .*`src\/users\.js:6`.*SQL injection in search/);
    assert.match(summary, /dismissed by .*`README\.md:3`.*Document the search/);
    assert.equal(lastStatus(w).state, "success", "no open blocker holds the merge");
    assert.deepEqual(
      w.threads().map((t) => [t.id, t.body]).sort(),
      [[sql.id, sql.body], [readme.id, readme.body]].sort(),
      "no inline comment posted again, none edited",
    );
    assert.equal(threadOf(w, LIFE_FINDINGS.sql).resolved, true, "not reopened");
    assert.equal(w.replies().length, 0, "nothing said about it");
  });

  test("a command from someone without write access changes nothing", async (w) => {
    const chats = w.e2e.llm.chats().length;
    const reviews = (await w.e2e.api("/reviews")).reviews.length;
    await w.comment("/loom pause", { writer: false });
    await w.comment("/loom full-review", { writer: false });
    await w.comment("/loom config", { writer: false });
    assert.equal(w.e2e.llm.chats().length, chats, "the model was not asked");
    assert.equal((await w.e2e.api("/reviews")).reviews.length, reviews, "no review");
    assert.deepEqual(w.replies(), [], "no answer");
    assert.equal(w.threads().length, 2);
    assert.match(w.e2e.loom.log(), /command not obeyed/);
    // Not paused: the next push is reviewed.
    await w.push({ "src/admin.js": ADMIN_JS });
    assert.ok(w.e2e.llm.chats().length > chats, "the push was reviewed");
    assert.equal(w.threads().length, 3);
    assert.doesNotMatch(lastStatus(w).description, /skipped/i);
  });
}
