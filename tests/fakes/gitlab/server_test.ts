import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { callJson } from "../fetch_parsed.ts";
import { A_TS_DIFF } from "../sample_diff.ts";
import { gitlabFailure, gitlabWebhook, startFakeGitlab } from "./server.ts";

const TOKEN = "glpat-t0ken";
const HEAD = "c".repeat(40);
const BASE = "b".repeat(40);
const DIFF = A_TS_DIFF;

const call = (
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { "private-token": TOKEN },
) => callJson(`${url}/api/v4${path}`, method, body, headers);

async function seeded() {
  const gitlab = await startFakeGitlab({ token: TOKEN });
  gitlab.addMergeRequest({
    project: "g/app",
    projectId: 5,
    iid: 1,
    headSha: HEAD,
    baseSha: BASE,
    diff: DIFF,
  });
  return gitlab;
}

const position = (extra: Record<string, unknown>) => ({
  position_type: "text",
  base_sha: BASE,
  start_sha: BASE,
  head_sha: HEAD,
  old_path: "a.ts",
  new_path: "a.ts",
  ...extra,
});

Deno.test("the token is taken from PRIVATE-TOKEN or a Bearer header, and nothing else", async () => {
  await using gitlab = await seeded();
  assert.equal((await call(gitlab.url, "GET", "/projects/5/merge_requests/1")).status, 200);
  const bearer = await call(gitlab.url, "GET", "/projects/g%2Fapp/merge_requests/1", undefined, {
    authorization: `Bearer ${TOKEN}`,
  });
  assert.equal(bearer.status, 200);
  assert.equal(bearer.json.diff_refs.head_sha, HEAD);
  const none = await call(gitlab.url, "GET", "/projects/5/merge_requests/1", undefined, {});
  assert.deepEqual([none.status, none.json], [401, { message: "401 Unauthorized" }]);
  const unencoded = await call(gitlab.url, "GET", "/projects/g/app/merge_requests/1");
  assert.equal(unencoded.status, 404, "a path with raw slashes is no project");
});

Deno.test("a position is found by both line numbers, as GitLab finds it", async () => {
  await using gitlab = await seeded();
  const post = (p: Record<string, unknown>) =>
    call(gitlab.url, "POST", "/projects/5/merge_requests/1/discussions", {
      body: "note",
      position: position(p),
    });
  assert.equal((await post({ new_line: 2 })).status, 201, "an added line: new_line only");
  assert.equal((await post({ old_line: 3, new_line: 4 })).status, 201, "a context line: both");
  const refusals = [
    await post({ new_line: 4 }), // a context line needs its old_line too
    await post({ old_line: 1, new_line: 2 }), // an added line has no old_line
    await post({ new_line: 9 }),
    await post({ new_line: 2, head_sha: BASE }),
  ];
  for (const r of refusals) {
    assert.deepEqual([r.status, r.json], [400, {
      message:
        `400 Bad request - Note {:line_code=>["can't be blank", "must be a valid line code"]}`,
    }]);
  }
  assert.equal(gitlab.discussions("g/app", 1).length, 2);
  assert.deepEqual(gitlab.violations, []);
});

Deno.test("a line_range or suggestion GitLab would show wrongly is a violation", async () => {
  await using gitlab = await seeded();
  await call(gitlab.url, "POST", "/projects/5/merge_requests/1/discussions", {
    body: "```suggestion:-0+1\nx\n```",
    position: position({
      new_line: 3,
      line_range: {
        start: { line_code: "nope_1_1", type: "new" },
        end: { line_code: "nope_3_3", type: "new" },
      },
    }),
  });
  // After the removed line (old 2), GitLab numbers the added ones with old position 3.
  const code = createHash("sha1").update("a.ts").digest("hex");
  const range = {
    start: { line_code: `${code}_3_2`, type: "new", new_line: 2 },
    end: { line_code: `${code}_3_3`, type: "new", new_line: 3 },
  };
  for (const suggestion of ["-1+0", "-0+1"]) {
    const answer = await call(gitlab.url, "POST", "/projects/5/merge_requests/1/discussions", {
      body: `Fix.\n\n\`\`\`suggestion:${suggestion}\nx\n\`\`\``,
      position: position({ new_line: 3, line_range: range }),
    });
    assert.equal(answer.status, 201, "GitLab accepts both");
  }
  assert.deepEqual(gitlab.violations, [
    "discussion on g/app!1: line_range names a line_code that is not in the diff",
    "discussion on g/app!1: suggestion:-0+1 does not replace the 2 lines commented on",
  ]);
});

Deno.test("lists paginate with x-next-page and Link, and statuses refuse same-state moves", async () => {
  await using gitlab = await seeded();
  for (let i = 0; i < 25; i++) gitlab.addNote("g/app", 1, `n${i}`);
  const first = await call(gitlab.url, "GET", "/projects/5/merge_requests/1/notes?sort=asc");
  assert.equal(first.json.length, 20);
  assert.equal(first.headers.get("x-next-page"), "2");
  assert.match(first.headers.get("link") ?? "", /page=2&per_page=20>; rel="next"/);
  const last = await call(gitlab.url, "GET", "/projects/5/merge_requests/1/notes?sort=asc&page=2");
  assert.deepEqual([last.json.length, last.headers.get("x-next-page")], [5, ""]);

  const status = (state: string) =>
    call(gitlab.url, "POST", `/projects/5/statuses/${HEAD}`, { state, name: "loom" });
  assert.equal((await status("running")).status, 201);
  const again = await status("running");
  assert.equal(again.status, 400);
  assert.match(again.json.message, /^Cannot transition status via :run from :running/);
  assert.equal((await status("success")).status, 201);
  assert.equal((await status("success")).status, 201, "a finished status starts anew");
  assert.equal(
    (await call(gitlab.url, "POST", `/projects/5/statuses/${"9".repeat(40)}`, {
      state: "success",
    })).status,
    404,
  );
});

Deno.test("failNext answers like GitLab's rate limiter; the webhook carries the token verbatim", async () => {
  await using gitlab = await seeded();
  gitlab.failNext(gitlabFailure.rateLimited(7, Date.UTC(2026, 0, 1)));
  const limited = await call(gitlab.url, "GET", "/projects/5/merge_requests/1");
  assert.deepEqual([limited.status, limited.text, limited.headers.get("retry-after")], [
    429,
    "Retry later\n",
    "7",
  ]);
  assert.equal(limited.headers.get("ratelimit-reset"), String(Date.UTC(2026, 0, 1) / 1000 + 7));
  assert.equal((await call(gitlab.url, "GET", "/projects/5/merge_requests/1")).status, 200);

  const d = gitlabWebhook({ token: "s3cret", event: "Note Hook", payload: { a: 1 } });
  assert.equal(d.headers["x-gitlab-token"], "s3cret");
  assert.match(d.headers["idempotency-key"], /^[0-9a-f-]{36}$/);
  const old = gitlabWebhook({
    token: "s3cret",
    event: "Note Hook",
    payload: {},
    idempotencyKey: null,
    eventUuid: null,
  });
  assert.equal("idempotency-key" in old.headers || "x-gitlab-event-uuid" in old.headers, false);
});
