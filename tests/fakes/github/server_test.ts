import assert from "node:assert/strict";
import { verify } from "@octokit/webhooks-methods";
import { callJson } from "../fetch_parsed.ts";
import { A_TS_DIFF } from "../sample_diff.ts";
import { generateAppKeys, githubFailure, githubWebhook, startFakeGithub } from "./server.ts";

const TOKEN = "t0ken";
const HEAD = "c".repeat(40);
const DIFF = A_TS_DIFF + `@@ -10,2 +11,2 @@
 ten
-eleven
+ELEVEN
diff --git a/old.ts b/new.ts
similarity index 90%
rename from old.ts
rename to new.ts
index 3..4 100644
--- a/old.ts
+++ b/new.ts
@@ -1 +1 @@
-x
+y
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..5
Binary files /dev/null and b/img.png differ
`;

const call = (
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => callJson(url + path, method, body, { authorization: `Bearer ${TOKEN}`, ...headers });

async function seeded() {
  const github = await startFakeGithub({ token: TOKEN });
  github.addPullRequest({ repo: "o/r", number: 1, headSha: HEAD, diff: DIFF });
  return github;
}

Deno.test("an inline comment outside the diff is refused with GitHub's 422", async () => {
  await using github = await seeded();
  const base = { commit_id: HEAD, path: "a.ts", side: "RIGHT", body: "x" };
  const outside = await call(github.url, "POST", "/repos/o/r/pulls/1/comments", {
    ...base,
    line: 5,
  });
  assert.equal(outside.status, 422);
  assert.deepEqual(
    { message: outside.json.message, errors: outside.json.errors },
    {
      message: "Validation Failed",
      errors: ["pull_request_review_thread.line must be part of the diff"],
    },
  );
  const cases: [Record<string, unknown>, string][] = [
    [
      { ...base, line: 3, start_line: 3, start_side: "RIGHT" },
      "start_line must precede the end line",
    ],
    [{ ...base, line: 12, start_line: 2, start_side: "RIGHT" }, "same hunk"],
    [{ ...base, path: "nope.ts", line: 1 }, "Path could not be resolved"],
    [{ ...base, commit_id: "f".repeat(40), line: 1 }, "No commit found for SHA"],
    [{ ...base, line: 2, body: "x".repeat(65_537) }, "Body is too long"],
  ];
  for (const [body, message] of cases) {
    const res = await call(github.url, "POST", "/repos/o/r/pulls/1/comments", body);
    assert.equal(res.status, 422, message);
    assert.match(res.json.errors.join(" "), new RegExp(message));
  }
  const ok = await call(github.url, "POST", "/repos/o/r/pulls/1/comments", {
    ...base,
    line: 4,
    start_line: 1,
    start_side: "RIGHT",
  });
  assert.equal(ok.status, 201);
  assert.deepEqual([ok.json.start_line, ok.json.line, ok.json.user.login], [1, 4, "loom[bot]"]);
  // The renamed file is commented on by its new name; old-side lines on LEFT.
  const left = await call(github.url, "POST", "/repos/o/r/pulls/1/comments", {
    ...base,
    path: "a.ts",
    side: "LEFT",
    line: 2,
  });
  assert.equal(left.status, 201);
  assert.equal(github.reviewComments("o/r", 1).length, 2);
});

Deno.test("one bad comment fails the whole review; a review without event stays pending", async () => {
  await using github = await seeded();
  const comments = [
    { path: "a.ts", line: 2, side: "RIGHT", body: "good" },
    { path: "new.ts", line: 7, side: "RIGHT", body: "bad" },
  ];
  const refused = await call(github.url, "POST", "/repos/o/r/pulls/1/reviews", {
    commit_id: HEAD,
    event: "COMMENT",
    body: "",
    comments,
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.json.errors, [
    "pull_request_review_thread.line must be part of the diff",
  ]);
  assert.deepEqual(github.reviews("o/r", 1), []);
  assert.deepEqual(github.reviewComments("o/r", 1), []);

  const pending = await call(github.url, "POST", "/repos/o/r/pulls/1/reviews", {
    comments: [comments[0]],
  });
  assert.equal(pending.json.state, "PENDING");
  const listed = await call(github.url, "GET", "/repos/o/r/pulls/1/comments");
  assert.deepEqual(listed.json, [], "pending comments are not shown");
  assert.equal(github.reviewComments("o/r", 1)[0].pending, true);
});

Deno.test("lists are paginated with per_page and a Link header", async () => {
  await using github = await seeded();
  for (let i = 0; i < 5; i++) github.addIssueComment("o/r", 1, `c${i}`);
  const bodies: string[] = [];
  let next: string | null = `${github.url}/repos/o/r/issues/1/comments?per_page=2`;
  const links: string[] = [];
  while (next) {
    const res = await call(next, "GET", "");
    bodies.push(...res.json.map((c: { body: string }) => c.body));
    const link = res.headers.get("link") ?? "";
    links.push(link);
    next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? null;
  }
  assert.deepEqual(bodies, ["c0", "c1", "c2", "c3", "c4"]);
  assert.equal(links.length, 3);
  assert.match(links[0], /page=3>; rel="last"/);
  assert.doesNotMatch(links[2], /rel="next"/);
});

Deno.test("failNext fails only matching requests, as many times as asked", async () => {
  await using github = await seeded();
  github.failNext(githubFailure.diffTooLarge(), { times: 2 });
  github.failNext(githubFailure.rateLimited(7), { method: "POST", path: /\/statuses\// });
  const json = await call(github.url, "GET", "/repos/o/r/pulls/1");
  assert.equal(json.status, 200, "diffTooLarge leaves JSON requests alone");
  const diffAccept = { accept: "application/vnd.github.diff" };
  const statuses = [1, 2, 3].map(() =>
    call(github.url, "GET", "/repos/o/r/pulls/1", undefined, diffAccept)
  );
  assert.deepEqual((await Promise.all(statuses)).map((r) => r.status), [406, 406, 200]);
  const limited = await call(github.url, "POST", `/repos/o/r/statuses/${HEAD}`, {
    state: "success",
  });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "7");
  const fine = await call(github.url, "POST", `/repos/o/r/statuses/${HEAD}`, { state: "success" });
  assert.equal(fine.status, 201);

  github.failNext(githubFailure.primaryRateLimit(1_900_000_000));
  const primary = await call(github.url, "GET", "/repos/o/r/pulls/1");
  assert.deepEqual(
    [
      primary.status,
      primary.headers.get("x-ratelimit-remaining"),
      primary.headers.get("x-ratelimit-reset"),
    ],
    [403, "0", "1900000000"],
  );
});

Deno.test("with a token configured, other credentials get 401 Bad credentials", async () => {
  await using github = await seeded();
  for (const authorization of ["", "Bearer wrong", `token ${TOKEN}x`]) {
    const res = await call(github.url, "GET", "/repos/o/r/pulls/1", undefined, { authorization });
    assert.deepEqual([res.status, res.json.message], [401, "Bad credentials"]);
  }
  const legacy = await call(github.url, "GET", "/repos/o/r/pulls/1", undefined, {
    authorization: `token ${TOKEN}`,
  });
  assert.equal(legacy.status, 200);
});

Deno.test("App mode: the JWT must be signed by the App's key; tokens are per installation and expire", async () => {
  const keys = await generateAppKeys();
  const stranger = await generateAppKeys();
  const clock = { now: Date.UTC(2026, 0, 1) };
  await using github = await startFakeGithub({ now: () => clock.now });
  github.enableApp({ appId: "1", publicKey: keys.publicKey, tokenLifetimeMs: 60_000 });
  github.addRepo("o/r", { installationId: 5 });
  github.addRepo("o/other", { installationId: 6 });
  github.addPullRequest({ repo: "o/r", number: 1, headSha: HEAD, diff: DIFF });
  github.addPullRequest({ repo: "o/other", number: 1, diff: DIFF });

  /**
   * An App JWT as GitHub wants it (RS256, `iat` a minute back, `exp` 9 minutes ahead, `iss` the
   * App ID), signed with `key`; `claims` then replace some without signing again.
   */
  const jwt = async (key: CryptoKey, claims: Record<string, unknown> = {}) => {
    const now = Math.floor(clock.now / 1000);
    const part = (value: unknown) => base64Url(new TextEncoder().encode(JSON.stringify(value)));
    const signed = `${part({ alg: "RS256", typ: "JWT" })}.${
      part({ iat: now - 60, exp: now + 540, iss: 1 })
    }`;
    const signature = await crypto.subtle.sign(
      "RSASSA-PKCS1-v1_5",
      key,
      new TextEncoder().encode(signed),
    );
    const [h, p] = signed.split(".");
    const payload = Object.keys(claims).length === 0 ? p : part({
      ...JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/"))),
      ...claims,
    });
    return `${h}.${payload}.${base64Url(new Uint8Array(signature))}`;
  };
  /** Asks for an installation token of installation 5 with `token`. */
  const mint = async (token: string) =>
    await call(github.url, "POST", "/app/installations/5/access_tokens", undefined, asApp(token));
  const asApp = (token: string) => ({ authorization: `Bearer ${token}` });

  const lookup = await call(
    github.url,
    "GET",
    "/repos/o/r/installation",
    undefined,
    asApp(await jwt(keys.privateKey)),
  );
  assert.deepEqual([lookup.status, lookup.json.id], [200, 5]);
  const forged = await mint(await jwt(stranger.privateKey));
  assert.equal(forged.status, 401);
  const tampered = await mint(await jwt(keys.privateKey, { iss: 2 }));
  assert.equal(tampered.status, 401);

  const minted = await mint(await jwt(keys.privateKey));
  assert.equal(minted.status, 201);
  assert.equal(
    minted.json.expires_at,
    new Date(clock.now + 60_000).toISOString().replace(".000", ""),
  );
  const withToken = asApp(minted.json.token);
  assert.equal(
    (await call(github.url, "GET", "/repos/o/r/pulls/1", undefined, withToken)).status,
    200,
  );
  assert.equal(
    (await call(github.url, "GET", "/repos/o/other/pulls/1", undefined, withToken)).status,
    404,
  );
  assert.equal(
    (await call(
      github.url,
      "GET",
      "/repos/o/r/pulls/1",
      undefined,
      asApp(await jwt(keys.privateKey)),
    )).status,
    401,
  );
  clock.now += 60_000;
  assert.equal(
    (await call(github.url, "GET", "/repos/o/r/pulls/1", undefined, withToken)).status,
    401,
  );
  assert.deepEqual(github.installationTokens().map((t) => t.installationId), [5]);
});

Deno.test("records every request: method, path, query, headers and parsed body", async () => {
  await using github = await startFakeGithub({ pathPrefix: "/api/v3" });
  github.addPullRequest({ repo: "o/r", number: 1, headSha: HEAD, diff: DIFF });
  await call(github.url, "POST", "/repos/o/r/issues/1/comments?x=1", { body: "hi" }, {
    "x-extra": "yes",
  });
  assert.deepEqual(
    github.requests.map((r) => [r.method, r.path, r.query, r.body, r.headers["x-extra"]]),
    [
      ["POST", "/repos/o/r/issues/1/comments", { x: "1" }, { body: "hi" }, "yes"],
    ],
  );
  assert.equal(github.comments("o/r", 1)[0].body, "hi");
  const outside = await fetch(github.url.replace("/api/v3", "") + "/repos/o/r/pulls/1");
  assert.equal(outside.status, 404);
  await outside.body?.cancel();
});

Deno.test("bodies GitHub's OpenAPI description refuses are recorded as violations", async () => {
  await using github = await seeded();
  await call(github.url, "POST", `/repos/o/r/statuses/${HEAD}`, {
    state: "success",
    context: "loom",
    description: null,
    target_url: null,
  });
  assert.deepEqual(github.violations, [], "nullable fields may be null");
  await call(github.url, "POST", `/repos/o/r/statuses/${HEAD}`, { state: "done", contxt: "loom" });
  await call(github.url, "POST", "/repos/o/r/pulls/1/reviews", {
    event: "COMMENT",
    body: "",
    comments: [{ path: "a.ts", line: "2", body: "x", star_line: 1 }],
  });
  assert.deepEqual(github.violations, [
    {
      method: "POST",
      path: `/repos/o/r/statuses/${HEAD}`,
      problems: [
        'body.state: "done" is not one of error, failure, pending, success',
        "body.contxt: is not a property GitHub documents",
      ],
    },
    {
      method: "POST",
      path: "/repos/o/r/pulls/1/reviews",
      problems: [
        "body.comments[0].line: expected integer, got string",
        "body.comments[0].star_line: is not a property GitHub documents",
      ],
    },
  ]);
});

Deno.test("the files list, contents and statuses are served from the seeded state", async () => {
  await using github = await seeded();
  const files = await call(github.url, "GET", "/repos/o/r/pulls/1/files");
  assert.deepEqual(
    files.json.map((
      f: Record<string, unknown>,
    ) => [f.filename, f.status, f.previous_filename, f.changes]),
    [["a.ts", "modified", undefined, 5], ["new.ts", "renamed", "old.ts", 2], [
      "img.png",
      "added",
      undefined,
      0,
    ]],
  );
  assert.equal(
    files.json[0].patch,
    "@@ -1,3 +1,4 @@\n one\n-two\n+TWO\n+three\n four\n@@ -10,2 +11,2 @@\n ten\n-eleven\n+ELEVEN",
  );
  assert.equal("patch" in files.json[2], false);

  github.setFile("o/r", "main", "dir/ü.txt", "héllo\n");
  const raw = await call(
    github.url,
    "GET",
    "/repos/o/r/contents/dir/%C3%BC.txt?ref=main",
    undefined,
    {
      accept: "application/vnd.github.raw+json",
    },
  );
  assert.equal(raw.text, "héllo\n");
  const encoded = await call(github.url, "GET", "/repos/o/r/contents/dir/%C3%BC.txt?ref=main");
  assert.equal(
    new TextDecoder().decode(Uint8Array.from(atob(encoded.json.content), (c) => c.charCodeAt(0))),
    "héllo\n",
  );
  assert.equal(
    (await call(github.url, "GET", "/repos/o/r/contents/dir/%C3%BC.txt?ref=dev")).status,
    404,
  );

  const long = await call(github.url, "POST", `/repos/o/r/statuses/${HEAD}`, {
    state: "success",
    description: "x".repeat(141),
  });
  assert.equal(long.status, 422);
  assert.match(JSON.stringify(long.json.errors), /maximum is 140 characters/);
  await call(github.url, "POST", `/repos/o/r/statuses/${HEAD}`, {
    state: "pending",
    context: "loom",
  });
  assert.deepEqual(github.statuses("o/r", HEAD).map((s) => [s.state, s.context]), [[
    "pending",
    "loom",
  ]]);
});

Deno.test("githubWebhook signs deliveries the way GitHub does", async () => {
  const d = await githubWebhook({
    secret: "s",
    event: "ping",
    payload: { zen: "ok" },
    deliveryId: "42",
  });
  assert.equal(d.headers["x-github-event"], "ping");
  assert.equal(d.headers["x-github-delivery"], "42");
  assert.equal(await verify("s", d.body, d.headers["x-hub-signature-256"]), true);
  assert.equal(await verify("t", d.body, d.headers["x-hub-signature-256"]), false);
});

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}
