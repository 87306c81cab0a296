import assert from "node:assert/strict";
import {
  DASHBOARD_ADMIN_TOKEN,
  DASHBOARD_VIEWER_TOKEN,
  dashboardWorld,
  sessionCookie,
} from "../../tests/support/dashboard.ts";

Deno.test("the dashboard without LOOM_ADMIN_TOKEN says how to enable it", async () => {
  await using w = await dashboardWorld({ adminToken: "" });
  const res = await w.get("/");
  assert.equal(res.status, 404);
  const html = await res.text();
  assert.match(html, /Set <code>LOOM_ADMIN_TOKEN<\/code>/);
  assert.equal((await w.get("/jobs")).status, 404);
});

Deno.test("signing in with the admin token sets a session cookie that opens every page", async () => {
  await using w = await dashboardWorld();
  const signedOut = await w.get("/");
  assert.equal(signedOut.status, 303);
  assert.equal(signedOut.headers.get("location"), "/sign-in");
  const form = await (await w.get("/sign-in")).text();
  assert.match(form, /<input type="password" name="token"/);

  const res = await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN });
  assert.equal(res.status, 303);
  const set = res.headers.get("set-cookie")!;
  assert.match(set, /HttpOnly/);
  assert.match(set, /SameSite=Strict/);
  assert.doesNotMatch(set, /Secure/, "plain http: a Secure cookie would never come back");
  assert.ok(!set.includes(DASHBOARD_ADMIN_TOKEN), "the cookie never carries the token");

  const user = await w.signIn();
  for (const path of ["/", "/jobs", "/reviews", "/repositories", "/settings", "/config-check"]) {
    const page = await w.get(path, user);
    assert.equal(page.status, 200, path);
    assert.equal(page.headers.get("cache-control"), "no-store");
    assert.match(page.headers.get("content-security-policy")!, /script-src 'self'/);
    assert.match(await page.text(), /Sign out/);
  }
});

Deno.test("the session cookie is Secure behind a proxy that says X-Forwarded-Proto: https", async () => {
  await using w = await dashboardWorld();
  const res = await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN }, undefined, {
    "x-forwarded-proto": "https",
  });
  assert.match(res.headers.get("set-cookie")!, /; Secure/);
});

Deno.test("a wrong token is refused and sets no cookie", async () => {
  await using w = await dashboardWorld();
  const res = await w.post("/sign-in", { token: "not-the-token-at-all-0000" });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("set-cookie"), null);
  assert.match(await res.text(), /Wrong token/);
});

Deno.test("guessing the token is throttled after five wrong tries, even the right token waits", async () => {
  await using w = await dashboardWorld();
  for (let i = 0; i < 5; i++) {
    assert.equal((await w.post("/sign-in", { token: `guess-number-${i}-xxxxxxxx` })).status, 401);
  }
  const blocked = await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.headers.get("set-cookie"), null);
  assert.ok(Number(blocked.headers.get("retry-after")) > 0);
  assert.match(await blocked.text(), /Too many wrong tokens/);
  w.clock.now += 15 * 60_000 + 1;
  assert.equal((await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN })).status, 303);
});

Deno.test("a forged session cookie (role changed to admin) is refused", async () => {
  await using w = await dashboardWorld();
  const viewer = await w.signIn(DASHBOARD_VIEWER_TOKEN);
  const forged = { ...viewer, cookie: viewer.cookie.replace("=viewer.", "=admin.") };
  assert.notEqual(forged.cookie, viewer.cookie);
  assert.equal((await w.get("/", forged)).status, 303);
  const retry = await w.post("/jobs", { id: "1", action: "retry" }, forged);
  assert.equal(retry.status, 401);
});

Deno.test("a session expires after LOOM_DASHBOARD_SESSION_H hours", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  w.clock.now += 11 * 3_600_000;
  assert.equal((await w.get("/", user)).status, 200);
  w.clock.now += 1 * 3_600_000 + 1;
  const expired = await w.get("/", user);
  assert.equal(expired.status, 303);
  assert.equal(expired.headers.get("location"), "/sign-in");
});

Deno.test("signing out ends the session: the old cookie no longer opens a page", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  const res = await w.post("/sign-out", {}, user);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/sign-in");
  assert.match(res.headers.get("set-cookie")!, /loom_session=;.*Max-Age=0/);
  assert.equal((await w.get("/", user)).status, 303, "a replayed cookie is refused");
});

Deno.test("cross-site request forgery: a POST without the session's CSRF token is refused", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  const job = await w.queue.enqueue("effect", "normal", {});
  const missing = await w.post("/jobs", { id: String(job.id), action: "cancel", _csrf: "" }, user);
  assert.equal(missing.status, 403);
  const other = await w.signIn();
  const stolen = await w.post(
    "/jobs",
    { id: String(job.id), action: "cancel", _csrf: other.csrf },
    user,
  );
  assert.equal(stolen.status, 403, "another session's token is not this one's");
  assert.equal((await w.queue.get(job.id))!.status, "queued", "nothing was cancelled");
  const signOut = await w.post("/sign-out", { _csrf: "" }, user);
  assert.equal(signOut.status, 403, "no sign-out by a forged form either");
});

Deno.test("cross-site request forgery: a POST from another origin is refused even with a token", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  const job = await w.queue.enqueue("effect", "normal", {});
  const res = await w.post("/jobs", { id: String(job.id), action: "cancel" }, user, {
    origin: "https://evil.example",
  });
  assert.equal(res.status, 403);
  const login = await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN }, undefined, {
    "sec-fetch-site": "cross-site",
  });
  assert.equal(login.status, 403, "login CSRF: another site cannot sign the browser in");
  const sibling = await w.post("/jobs", { id: String(job.id), action: "cancel" }, user, {
    "sec-fetch-site": "same-site",
  });
  assert.equal(sibling.status, 403, "a sibling subdomain is another origin");
  assert.equal((await w.queue.get(job.id))!.status, "queued");
});

Deno.test("a viewer sees the pages but cannot press a button", async () => {
  await using w = await dashboardWorld();
  const viewer = await w.signIn(DASHBOARD_VIEWER_TOKEN);
  const job = await w.queue.enqueue("effect", "normal", {});
  const page = await (await w.get("/jobs", viewer)).text();
  assert.match(page, /read-only/);
  assert.match(page, new RegExp(`data-job-id="${job.id}"`));
  assert.doesNotMatch(page, /data-action="cancel"/, "no button shown");
  const res = await w.post("/jobs", { id: String(job.id), action: "cancel" }, viewer);
  assert.equal(res.status, 403);
  assert.equal((await w.queue.get(job.id))!.status, "queued");
});

Deno.test("without LOOM_VIEWER_TOKEN no other token signs in", async () => {
  await using w = await dashboardWorld({ viewerToken: null });
  assert.equal((await w.post("/sign-in", { token: DASHBOARD_VIEWER_TOKEN })).status, 401);
  const res = await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN });
  assert.ok(sessionCookie(res).startsWith("loom_session=admin."));
});

Deno.test("an oversized sign-in form is refused unread (413), as is an oversized page form", async () => {
  await using w = await dashboardWorld();
  const huge = await w.post("/sign-in", { token: "x".repeat(100_000) });
  assert.equal(huge.status, 413);
  const user = await w.signIn();
  const job = await w.queue.enqueue("effect", "normal", {});
  const res = await w.post("/jobs", {
    id: String(job.id),
    action: "cancel",
    back: `/jobs?${"k".repeat(100_000)}`,
  }, user);
  assert.equal(res.status, 413);
  assert.equal((await w.queue.get(job.id))!.status, "queued");
});

Deno.test("behind a proxy that rewrites Host, the browser's Sec-Fetch-Site still lets sign-in through", async () => {
  await using w = await dashboardWorld();
  const res = await w.post("/sign-in", { token: DASHBOARD_ADMIN_TOKEN }, undefined, {
    host: "127.0.0.1:8080",
    origin: "https://loom.example.com",
    "sec-fetch-site": "same-origin",
  });
  assert.equal(res.status, 303);
});
