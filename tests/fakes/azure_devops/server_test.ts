import assert from "node:assert/strict";
import { startFakeAzureDevops } from "./server.ts";

const PAT = "fake-pat-0123";
const BASE = "a".repeat(40);
const HEAD = "b".repeat(40);
const DIFF = `diff --git a/src/a.ts b/src/a.ts
--- a/src/a.ts
+++ b/src/a.ts
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
diff --git a/z.ts b/z.ts
new file mode 100644
--- /dev/null
+++ b/z.ts
@@ -0,0 +1 @@
+z
`;

async function fake() {
  const azure = await startFakeAzureDevops({ token: PAT });
  azure.addCommit("Proj/app", BASE, {
    "src/a.ts": "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n",
  });
  azure.addCommit("Proj/app", HEAD, {
    "src/a.ts": "one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\n",
    "z.ts": "z\n",
  });
  azure.addPullRequest({
    repo: "Proj/app",
    number: 3,
    sourceCommit: HEAD,
    targetCommit: BASE,
    diff: DIFF,
  });
  return azure;
}

const auth = (pat = PAT) => ({ authorization: `Basic ${btoa(`:${pat}`)}` });
const prUrl = (url: string) => `${url}/Proj/_apis/git/repositories/app/pullRequests/3`;

function thread(path: string, line: number, trackingId: number, iteration = 1) {
  return {
    comments: [{ parentCommentId: 0, content: "x", commentType: "text" }],
    status: "active",
    threadContext: {
      filePath: path,
      rightFileStart: { line, offset: 1 },
      rightFileEnd: { line, offset: 2 },
    },
    pullRequestThreadContext: {
      changeTrackingId: trackingId,
      iterationContext: { firstComparingIteration: 1, secondComparingIteration: iteration },
    },
  };
}

Deno.test("the fake answers like Azure: api-version required, a bad PAT gets a 203 sign-in page", async () => {
  await using azure = await fake();
  const noVersion = await fetch(prUrl(azure.url), { headers: auth() });
  assert.equal(noVersion.status, 400);
  assert.match((await noVersion.json()).message, /No api-version was supplied/);
  const badPat = await fetch(`${prUrl(azure.url)}?api-version=7.1`, { headers: auth("nope") });
  assert.equal(badPat.status, 203);
  assert.match(badPat.headers.get("content-type") ?? "", /text\/html/);
  assert.match(await badPat.text(), /Sign In/);
  const ok = await fetch(`${prUrl(azure.url)}?api-version=7.1`, { headers: auth() });
  assert.equal((await ok.json()).lastMergeSourceCommit.commitId, HEAD);
});

Deno.test("the fake lists an iteration's changes with per-file tracking ids, in pages", async () => {
  await using azure = await fake();
  const page = async (query: string) =>
    await (await fetch(`${prUrl(azure.url)}/iterations/1/changes?api-version=7.1&${query}`, {
      headers: auth(),
    })).json();
  const first = await page("$top=1");
  assert.deepEqual(first.changeEntries.map((c: { item: { path: string } }) => c.item.path), [
    "/src/a.ts",
  ]);
  assert.deepEqual([first.nextSkip, first.nextTop], [1, 1]);
  const second = await page("$top=1&$skip=1");
  assert.deepEqual(
    second.changeEntries.map((c: { changeType: string }) => c.changeType),
    ["add"],
  );
  assert.equal(second.nextTop, undefined);
  const ids = azure.pullRequest("Proj/app", 3)!.iterations[0].changes.map((c) =>
    c.changeTrackingId
  );
  assert.deepEqual(ids, [2, 1], "tracking ids do not follow the listing order");
});

Deno.test("the fake accepts any anchor, as Azure does, and records the ones Azure would misplace", async () => {
  await using azure = await fake();
  const post = async (body: unknown) =>
    await fetch(`${prUrl(azure.url)}/threads?api-version=7.1`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const statuses = [
    (await post(thread("/src/a.ts", 2, 2))).status,
    (await post(thread("/src/a.ts", 8, 2))).status,
    (await post(thread("/src/a.ts", 2, 1))).status,
    (await post(thread("src/a.ts", 2, 2))).status,
    (await post({ ...thread("/z.ts", 1, 1), pullRequestThreadContext: undefined })).status,
    (await post(thread("/z.ts", 1, 1, 4))).status,
  ];
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
  assert.deepEqual(azure.violations.map((v) => v.problem), [
    "line 8 of /src/a.ts is outside the diff: Azure shows it on an unchanged line",
    "changeTrackingId 1 is not /src/a.ts's (2)",
    'threadContext.filePath "src/a.ts" must start with /',
    "an inline thread without pullRequestThreadContext.iterationContext",
    'iteration context {"firstComparingIteration":1,"secondComparingIteration":4} does not exist',
  ]);
  assert.equal(azure.threads("Proj/app", 3).length, 6);
  const empty = await post({ comments: [] });
  assert.equal(empty.status, 400);
});
