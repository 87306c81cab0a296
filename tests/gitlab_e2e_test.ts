/**
 * GitLab end to end: a real `loom serve` process, deliveries shaped like GitLab's documented
 * Merge Request Hook and Note Hook carrying the secret token, the fake GitLab and the fake model,
 * both over real HTTP.
 */
import assert from "node:assert/strict";
import { answer, type FakeLlm, type RecordedRequest, startFakeLlm } from "./fakes/llm.ts";
import { type FakeGitlab, gitlabWebhook, startFakeGitlab } from "./fakes/gitlab.ts";
import { mergeRequestHook, mergeRequestNoteHook, type Payload } from "./fakes/gitlab_examples.ts";
import { makeRepo } from "./git_repo.ts";
import { type LoomChild, spawnLoom, waitFor } from "./support/child.ts";
import { freshSqliteUrl } from "./stores.ts";

const SECRET = "gitlab-webhook-secret-for-tests";
const TOKEN = "glpat-test-token-never-logged";
const LLM_KEY = "sk-llm-key-never-logged";
const ADMIN = "admin-token-for-the-tests-0123";
const PROJECT = { id: 42, path: "acme/backend/app" };

const CONFIG = (llmUrl: string) =>
  `models:
  default: {base_url: ${llmUrl}, api_key_env: LOOM_LLM_API_KEY, model: fake-model, structured_output: json_schema}
pipelines:
  - {name: security, prompt_file: .loom/prompts/security.md, severity: blocker}
  - {name: quality, prompt_file: builtin:quality, severity: warning}
`;

/** A real diff, made by git: a feature branch adds a search with SQL built from input. */
async function realDiff(): Promise<string> {
  const repo = await makeRepo();
  try {
    await repo.write(
      "src/users.js",
      'export function find(db, id) {\n  return db.query("select * from users where id = ?", [id]);\n}\n',
    );
    await repo.write("README.md", "# app\n");
    await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.write(
      "src/users.js",
      'export function find(db, id) {\n  return db.query("select * from users where id = ?", [id]);\n}\n\n' +
        'export function search(db, name) {\n  const sql = "select * from users where name = \'" + name + "\'";\n  return db.query(sql);\n}\n',
    );
    await repo.write("README.md", "# app\n\nSearch users by name.\n");
    await repo.commit("Add user search");
    return await repo.git("diff", "main...feature");
  } finally {
    await repo.cleanup();
  }
}

/**
 * The model: a blocker with a suggestion on an added SQL line for security; for quality, a
 * two-line warning with a suggestion on the README, a note on an unchanged (context) line of the
 * diff, and one outside the diff.
 */
function model(req: RecordedRequest) {
  const prompt = JSON.stringify(req.body.messages);
  // A head whose review is still running when its merge request is closed.
  if (prompt.includes("Slow.")) return answer.json({ findings: [] }, { delayMs: 10_000 });
  if (prompt.includes("Look for SQL")) {
    return answer.json({
      findings: [{
        path: "src/users.js",
        line: 6,
        end_line: null,
        severity: "blocker",
        title: "SQL injection in search",
        body: "`name` is concatenated into the query.",
        suggestion: '  const sql = "select * from users where name = ?";',
      }],
    });
  }
  const more = prompt.includes("More.")
    ? [{
      path: "README.md",
      line: 4,
      end_line: null,
      severity: "info",
      title: "Say more",
      body: "More what?",
      suggestion: null,
    }]
    : [];
  return answer.json({
    findings: [
      ...more,
      {
        path: "README.md",
        line: 2,
        end_line: 3,
        severity: "warning",
        title: "Document the search",
        body: "Say how names match.",
        suggestion: "\nSearch users by exact name (case-sensitive).",
      },
      {
        path: "src/users.js",
        line: 2,
        end_line: null,
        severity: "info",
        title: "Select only the columns used",
        body: "`select *` reads every column.",
        suggestion: null,
      },
      {
        path: "src/users.js",
        line: 40,
        end_line: null,
        severity: "info",
        title: "Unchanged line",
        body: "Outside the diff.",
        suggestion: null,
      },
    ],
  });
}

interface World {
  gitlab: FakeGitlab;
  llm: FakeLlm;
  loom: LoomChild;
  url: string;
  headSha: string;
  baseSha: string;
  dispose(): Promise<void>;
}

async function world(options: { unpreparedReads?: number } = {}): Promise<World> {
  const gitlab = await startFakeGitlab({ token: TOKEN });
  const llm = await startFakeLlm();
  llm.setDefault(model);
  const diff = await realDiff();
  const headSha = "a".repeat(40);
  const baseSha = "b".repeat(40);
  gitlab.addMergeRequest({
    project: PROJECT.path,
    projectId: PROJECT.id,
    iid: 1,
    title: "Add user search",
    headSha,
    baseSha,
    sourceBranch: "feature",
    targetBranch: "main",
    diff,
    unpreparedReads: options.unpreparedReads,
  });
  gitlab.setFile(PROJECT.path, "main", ".loom/config.yaml", CONFIG(llm.url));
  gitlab.setFile(
    PROJECT.path,
    "main",
    ".loom/prompts/security.md",
    "Look for SQL injection and secrets.\n\n{{diff}}\n",
  );
  const db = await freshSqliteUrl();
  const loom = spawnLoom(["serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url], {
    LOOM_GITLAB_URL: gitlab.url,
    LOOM_GITLAB_TOKEN: TOKEN,
    LOOM_GITLAB_WEBHOOK_SECRET: SECRET,
    LOOM_LLM_API_KEY: LLM_KEY,
    LOOM_LLM_ALLOWED_BASE_URLS: llm.url,
    LOOM_ADMIN_TOKEN: ADMIN,
    LOOM_POLL_INTERVAL_MS: "50",
  });
  const url = await loom.listening;
  return {
    gitlab,
    llm,
    loom,
    url,
    headSha,
    baseSha,
    async dispose() {
      try {
        loom.process.kill("SIGTERM");
      } catch { /* already gone */ }
      await loom.exited;
      await gitlab.close();
      await llm.close();
      await db.dispose();
    },
  };
}

async function deliver(
  w: World,
  event: string,
  payload: Payload | string,
  ids: { idempotencyKey?: string | null; eventUuid?: string | null } = {},
  token: string | null = SECRET,
) {
  const d = gitlabWebhook({ token, event, payload, ...ids });
  const res = await fetch(`${w.url}/webhooks/gitlab`, {
    method: "POST",
    headers: d.headers,
    body: typeof payload === "string" ? payload : d.body,
  });
  return { status: res.status, body: await res.json() };
}

const opened = (
  w: World,
  action = "open",
  extra: Partial<Parameters<typeof mergeRequestHook>[0]> = {},
) => mergeRequestHook({ action, project: PROJECT, iid: 1, headSha: w.headSha, ...extra });
const note = (text: string, noteId: number) =>
  mergeRequestNoteHook({ project: PROJECT, iid: 1, note: text, noteId });

async function api(w: World, path: string) {
  const res = await fetch(`${w.url}/api${path}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  assert.equal(res.status, 200, path);
  return await res.json();
}

async function reviewsDone(w: World, count: number) {
  await waitFor(
    async () => {
      const { reviews } = await api(w, "/reviews");
      return reviews.length >= count &&
        reviews.every((r: { status: string }) => r.status !== "running");
    },
    30_000,
    `${count} finished reviews\n${w.loom.log()}`,
  );
  await waitFor(async () => (await api(w, "/jobs?status=running")).jobs.length === 0, 10_000);
}

Deno.test("gitlab: a merge request is reviewed end to end, and nothing is ever posted twice", async () => {
  // The merge request is just opened: GitLab answers without diff_refs for its first reads.
  const w = await world({ unpreparedReads: 2 });
  try {
    const first = await deliver(w, "Merge Request Hook", opened(w), { idempotencyKey: "key-1" });
    assert.equal(first.status, 202);
    assert.ok(Number.isInteger(first.body.job_id));
    await reviewsDone(w, 1);

    // One summary note, found by its marker, listing the finding outside the diff.
    const notes = () => w.gitlab.notes(PROJECT.path, 1).filter((n) => n.type === null);
    assert.equal(notes().length, 1);
    assert.match(notes()[0].body, /^<!-- loom:summary -->\n\n/);
    assert.match(notes()[0].body, /Unchanged line/);
    // One diff discussion per inline comment, at GitLab positions of the current diff version.
    const discussions = w.gitlab.discussions(PROJECT.path, 1);
    const where = (d: (typeof discussions)[number]) => [
      d.position.new_path,
      d.position.old_line,
      d.position.new_line,
      d.position.line_range === null,
    ];
    assert.deepEqual(discussions.map(where).sort(), [
      ["README.md", null, 3, false],
      ["src/users.js", null, 6, true],
      ["src/users.js", 2, 2, true],
    ]);
    for (const d of discussions) {
      assert.deepEqual(
        [d.position.base_sha, d.position.start_sha, d.position.head_sha],
        [w.baseSha, w.baseSha, w.headSha],
      );
      assert.match(d.body, /<!-- loom:fp:[0-9a-f]{16} -->$/);
    }
    const readme = discussions.find((d) => d.position.new_path === "README.md")!;
    assert.match(readme.body, /````?suggestion:-1\+0\n/);
    assert.equal(readme.position.line_range.start.new_line, 2);
    const sql = discussions.find((d) => d.position.new_line === 6)!;
    assert.match(sql.body, /```suggestion:-0\+0\n/);
    assert.deepEqual(w.gitlab.violations, [], "GitLab would show every comment where it belongs");
    // The status on the head commit: running, then failed (a blocker).
    assert.deepEqual(
      w.gitlab.statuses(PROJECT.path, w.headSha).map((s) => [s.name, s.status]),
      [["loom", "running"], ["loom", "failed"]],
    );
    // Every API call carried the token, addressed the project by the webhook's id.
    assert.ok(w.gitlab.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
    assert.ok(w.gitlab.requests.every((r) => r.path.startsWith(`/projects/${PROJECT.id}/`)));
    const mrReads = w.gitlab.requests.filter((r) => r.path === "/projects/42/merge_requests/1");
    assert.ok(mrReads.length >= 3, "the merge request was read again until GitLab prepared it");

    const chats = w.llm.chats();
    assert.equal(chats.length, 2);
    assert.ok(chats.every((c) => c.headers.authorization === `Bearer ${LLM_KEY}`));
    const { reviews: stored } = await api(w, "/reviews");
    assert.deepEqual(
      stored.map((r: { status: string; blockers: number }) => [r.status, r.blockers]),
      [
        ["succeeded", 1],
      ],
    );

    // GitLab retrying the delivery: the same Idempotency-Key, nothing queued.
    const again = await deliver(w, "Merge Request Hook", opened(w), { idempotencyKey: "key-1" });
    assert.equal(again.status, 200);
    assert.match(again.body.ignored, /already received/);
    // Reopened, or another update of the same head: already reviewed.
    const reopened = await deliver(w, "Merge Request Hook", opened(w, "reopen"));
    assert.match(reopened.body.ignored, /already reviewed/);
    const push = await deliver(
      w,
      "Merge Request Hook",
      opened(w, "update", { oldrev: "1".repeat(40) }),
    );
    assert.equal(push.status, 200);
    assert.match(push.body.ignored, /already reviewed/);

    // /loom review reviews it again, from scratch: nothing is posted twice.
    const command = await deliver(w, "Note Hook", note("/loom review", 501));
    assert.equal(command.status, 202);
    await reviewsDone(w, 2);
    assert.equal(w.llm.chats().length, 4, "the model was asked again");
    assert.equal(notes().length, 1, "one summary, edited in place");
    assert.equal(w.gitlab.discussions(PROJECT.path, 1).length, 3, "no inline comment twice");
    assert.deepEqual(
      w.gitlab.statuses(PROJECT.path, w.headSha).map((s) => s.status),
      ["running", "failed", "running", "failed"],
    );
    // A GitLab too old to send Idempotency-Key: the event UUID, else an id made from the note.
    const legacy = await deliver(w, "Note Hook", note("/loom review", 503), {
      idempotencyKey: null,
      eventUuid: "event-uuid-1",
    });
    assert.equal(legacy.status, 202);
    const legacyAgain = await deliver(w, "Note Hook", note("/loom review", 503), {
      idempotencyKey: null,
      eventUuid: "event-uuid-1",
    });
    assert.match(legacyAgain.body.ignored, /delivery event-uuid-1 was already received/);
    await reviewsDone(w, 3);
    const bare = { idempotencyKey: null, eventUuid: null };
    assert.equal((await deliver(w, "Note Hook", note("/loom review", 504), bare)).status, 202);
    const sameNote = await deliver(w, "Note Hook", note("/loom review", 504), bare);
    assert.match(sameNote.body.ignored, /delivery derived:note:42:504 was already received/);
    await reviewsDone(w, 4);
    assert.equal(w.gitlab.discussions(PROJECT.path, 1).length, 3);

    // /loom help answers with the commands, marked so it never reads as a command itself.
    assert.equal((await deliver(w, "Note Hook", note("/loom help", 502))).status, 202);
    await waitFor(() => notes().length === 2, 10_000, "help reply");
    assert.match(notes()[1].body, /^<!-- loom:reply -->[^]*\/loom review/);

    // A wrong or missing token, and a malformed body, queue nothing.
    const jobs = (await api(w, "/jobs?limit=100")).jobs.length;
    const wrong = await deliver(w, "Merge Request Hook", opened(w), {}, "wrong-secret");
    assert.deepEqual([wrong.status, wrong.body.error], [
      401,
      "signature or token missing or wrong",
    ]);
    assert.equal((await deliver(w, "Merge Request Hook", opened(w), {}, null)).status, 401);
    const badJson = await deliver(w, "Merge Request Hook", "{not json");
    assert.deepEqual([badJson.status, badJson.body.error], [400, "the body is not valid JSON"]);
    const missing = opened(w);
    delete missing.object_attributes.last_commit;
    const incomplete = await deliver(w, "Merge Request Hook", missing);
    assert.equal(incomplete.status, 400);
    assert.match(incomplete.body.error, /object_attributes\.last_commit is missing/);
    assert.equal((await api(w, "/jobs?limit=100")).jobs.length, jobs);

    assert.doesNotMatch(
      w.loom.log(),
      new RegExp(`${TOKEN}|${LLM_KEY}|${SECRET}`),
      "no secret in the logs",
    );
  } finally {
    await w.dispose();
  }
});

Deno.test("gitlab: new commits are reviewed on the new diff version; closing cancels the rest", async () => {
  const w = await world();
  try {
    assert.equal((await deliver(w, "Merge Request Hook", opened(w))).status, 202);
    await reviewsDone(w, 1);
    assert.equal(w.gitlab.discussions(PROJECT.path, 1).length, 3);

    // A push adding a README line: a new diff version, with a new start SHA (the target moved).
    const mr = w.gitlab.mergeRequest(PROJECT.path, 1)!;
    const diff = mr.versions[0].diff.replace(
      "+Search users by name.",
      "+Search users by name.\n+More.",
    )
      .replace("@@ -1 +1,3 @@", "@@ -1 +1,4 @@");
    const newHead = "e".repeat(40);
    w.gitlab.updateMergeRequest(PROJECT.path, 1, {
      headSha: newHead,
      diff,
      startSha: "f".repeat(40),
    });
    const pushed = await deliver(
      w,
      "Merge Request Hook",
      opened(w, "update", { headSha: newHead, oldrev: w.headSha }),
    );
    assert.equal(pushed.status, 202);
    await reviewsDone(w, 2);
    const discussions = w.gitlab.discussions(PROJECT.path, 1);
    assert.equal(discussions.length, 4, "the same findings are not posted again, the new one is");
    const added = discussions[3].position;
    assert.deepEqual(
      [added.new_path, added.new_line, added.base_sha, added.start_sha, added.head_sha],
      ["README.md", 4, w.baseSha, "f".repeat(40), newHead],
    );
    assert.deepEqual(
      w.gitlab.statuses(PROJECT.path, newHead).map((s) => s.status),
      ["running", "failed"],
    );
    assert.deepEqual(w.gitlab.violations, []);

    // Draft → ready of the same head: already reviewed; closing answers with what it cancelled.
    const ready = await deliver(
      w,
      "Merge Request Hook",
      opened(w, "update", {
        headSha: newHead,
        changes: { draft: { previous: true, current: false } },
      }),
    );
    assert.match(ready.body.ignored, /already reviewed/);
    const closedNow = await deliver(
      w,
      "Merge Request Hook",
      opened(w, "close", { headSha: newHead }),
    );
    assert.deepEqual([closedNow.status, closedNow.body.ok], [
      200,
      "closed: 0 unfinished jobs cancelled",
    ]);

    // A push whose review is still asking the model when the merge request is closed.
    const slowHead = "9".repeat(40);
    const chats = w.llm.chats().length;
    w.gitlab.updateMergeRequest(PROJECT.path, 1, {
      headSha: slowHead,
      diff: diff.replace("+More.", "+More.\n+Slow.").replace("@@ -1 +1,4 @@", "@@ -1 +1,5 @@"),
    });
    const slow = opened(w, "update", { headSha: slowHead, oldrev: newHead });
    assert.equal((await deliver(w, "Merge Request Hook", slow)).status, 202);
    await waitFor(() => w.llm.chats().length > chats, 10_000, "the slow review's model call");
    const closed = await deliver(
      w,
      "Merge Request Hook",
      opened(w, "merge", { headSha: slowHead }),
    );
    assert.equal(closed.status, 200);
    assert.match(closed.body.ok, /^closed: [1-9]\d* unfinished jobs cancelled$/);
    await waitFor(async () => (await api(w, "/jobs?status=running")).jobs.length === 0, 10_000);
    assert.deepEqual(w.gitlab.statuses(PROJECT.path, slowHead).map((s) => s.status), ["running"]);
    assert.equal(w.gitlab.discussions(PROJECT.path, 1).length, 4, "nothing posted once closed");
  } finally {
    await w.dispose();
  }
});

Deno.test("gitlab: disabled without a webhook secret, and a secret without a token stops start-up", async () => {
  const db = await freshSqliteUrl();
  const loom = spawnLoom(["serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url]);
  try {
    const url = await loom.listening;
    const res = await fetch(`${url}/webhooks/gitlab`, { method: "POST", body: "{}" });
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /LOOM_GITLAB_WEBHOOK_SECRET/);
    assert.match(loom.log(), /"msg":"platform disabled","platform":"gitlab"/);
  } finally {
    loom.process.kill("SIGTERM");
    await loom.exited;
  }
  const half = spawnLoom(["serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url], {
    LOOM_GITLAB_WEBHOOK_SECRET: SECRET,
  });
  try {
    assert.notEqual(await half.exited, 0);
    assert.match(half.log(), /LOOM_GITLAB_TOKEN/);
    assert.doesNotMatch(half.log(), new RegExp(SECRET));
  } finally {
    await db.dispose();
  }
});
