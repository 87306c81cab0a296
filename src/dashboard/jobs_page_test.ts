import assert from "node:assert/strict";
import { dashboardWorld, seedDeadJob } from "../../tests/support/dashboard.ts";

Deno.test("a dead job shows its error history and a retry that queues it again", async () => {
  await using w = await dashboardWorld();
  const dead = await seedDeadJob(w, "review", "GitHub answered 502 Bad Gateway");
  const user = await w.signIn();
  const html = await (await w.get("/jobs?status=dead", user)).text();
  assert.match(html, new RegExp(`<tr data-job-id="${dead.id}" data-status="dead">`));
  assert.match(html, /1 error/);
  assert.match(html, /attempt 1, .*<pre>Error: GitHub answered 502 Bad Gateway<\/pre>/s);
  assert.match(html, new RegExp(`data-action="retry" data-job-id="${dead.id}"`));

  const res = await w.post("/jobs", {
    id: String(dead.id),
    action: "retry",
    back: "/jobs?status=dead",
  }, user);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/jobs?status=dead");
  assert.equal((await w.queue.get(dead.id))!.status, "queued");
  const after = await (await w.get("/jobs?status=queued", user)).text();
  assert.match(after, new RegExp(`data-job-id="${dead.id}" data-status="queued"`));
  assert.match(after, new RegExp(`data-action="cancel" data-job-id="${dead.id}"`));
});

Deno.test("cancel from the jobs page cancels; a second cancel is refused with why", async () => {
  await using w = await dashboardWorld();
  const job = await w.queue.enqueue("review", "normal", {});
  const user = await w.signIn();
  const res = await w.post("/jobs", { id: String(job.id), action: "cancel" }, user);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/jobs");
  assert.equal((await w.queue.get(job.id))!.status, "cancelled");
  const again = await w.post("/jobs", { id: String(job.id), action: "cancel" }, user);
  assert.equal(again.status, 409);
  assert.match(await again.text(), /only queued or running jobs can be cancelled/);
  const missing = await w.post("/jobs", { id: "999999", action: "retry" }, user);
  assert.equal(missing.status, 404);
});

Deno.test("the jobs page redirects back only to itself (no open redirect)", async () => {
  await using w = await dashboardWorld();
  const job = await w.queue.enqueue("review", "normal", {});
  const user = await w.signIn();
  const res = await w.post("/jobs", {
    id: String(job.id),
    action: "cancel",
    back: "//evil.example/jobs",
  }, user);
  assert.equal(res.headers.get("location"), "/jobs");
});

Deno.test("jobs filter by kind, lane and status and page by keyset cursor", async () => {
  await using w = await dashboardWorld();
  await seedDeadJob(w, "review", "boom");
  for (let i = 0; i < 60; i++) await w.queue.enqueue("review", "high", { i });
  await w.queue.enqueue("prune", "low", {});
  const user = await w.signIn();
  const rows = (html: string) => [...html.matchAll(/<tr data-job-id="(\d+)"/g)].map((m) => +m[1]);

  const first = await (await w.get("/jobs?kind=review&lane=high&status=queued", user)).text();
  assert.equal(rows(first).length, 50);
  assert.match(first, /<option value="high" selected>high<\/option>/);
  const next = /href="(\/jobs\?[^"]*cursor=\d+)" rel="next"/.exec(first)?.[1].replaceAll(
    "&amp;",
    "&",
  );
  assert.ok(next, "a link to older jobs");
  const second = await (await w.get(next, user)).text();
  assert.equal(rows(second).length, 10);
  assert.doesNotMatch(second, /rel="next"/);
  const all = [...rows(first), ...rows(second)];
  assert.equal(new Set(all).size, 60, "no job twice, none missed");
  assert.deepEqual(all, [...all].sort((a, b) => b - a), "newest first");

  const low = await (await w.get("/jobs?lane=low", user)).text();
  assert.equal(rows(low).length, 1);
  const dead = await (await w.get("/jobs?status=dead", user)).text();
  assert.equal(rows(dead).length, 1);
  const junk = await w.get("/jobs?status=%3Cscript%3E&cursor=-4", user);
  assert.equal(junk.status, 200, "a bad filter is ignored, not a 500");
});
