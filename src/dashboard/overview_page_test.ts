import assert from "node:assert/strict";
import {
  dashboardWorld,
  seedDeadJob,
  seedReview,
  type SignedIn,
} from "../../tests/support/dashboard.ts";

/** The visible text of an HTML page, tags dropped, entities of `&`, `<`, `>` and quotes read. */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");
}

Deno.test("the overview shows the queue's counts, recent reviews, failures and tokens", async () => {
  await using w = await dashboardWorld();
  const now = Date.UTC(2026, 11, 2, 13, 30);
  w.clock.now = now;
  await seedDeadJob(w, "review", "GitHub answered 502");
  await w.queue.enqueue("review", "high", {});
  await seedReview(w, { pr: 7, title: "Add user search", model: "gpt-review", at: now - 60_000 });
  await seedReview(w, {
    pr: 8,
    title: "Break the build",
    status: "failed",
    error: "the model timed out",
    promptTokens: 500,
    completionTokens: 50,
    model: "gpt-review",
    at: now - 2 * 3_600_000,
  });
  await seedReview(w, {
    pr: 9,
    promptTokens: 10_000,
    completionTokens: 0,
    at: now - 3 * 86_400_000,
  });
  await seedReview(w, { pr: 10, at: now - 8 * 86_400_000 }); // older than a week: in no chart

  // What the model calls spent: priced today and earlier this week, one unpriced model.
  const spent = {
    reviewId: null,
    platform: "github",
    repository: "octo/app",
    pipeline: "security",
    endpoint: "default",
    kind: "review" as const,
    calls: 1,
    cachedTokens: 0,
  };
  await w.store.recordLlmUsage([
    {
      ...spent,
      model: "gpt-review",
      promptTokens: 1000,
      completionTokens: 200,
      costUsd: 0.5,
      at: now - 60_000,
    },
    {
      ...spent,
      model: "gpt-review",
      promptTokens: 500,
      completionTokens: 50,
      costUsd: 0.25,
      at: now - 3 * 86_400_000,
    },
    {
      ...spent,
      model: "local-llama",
      promptTokens: 300,
      completionTokens: 0,
      costUsd: null,
      at: now - 60_000,
    },
  ]);

  const user = await w.signIn();
  const html = await (await w.get("/", user)).text();
  const page = text(html);
  assert.match(page, /1 jobs queued/);
  assert.match(page, /0 jobs running/);
  assert.match(page, /1 jobs dead/);
  assert.match(page, /2 reviews, last 24 h/);
  assert.match(page, /1 failed, last 24 h/);
  assert.match(page, /1,750 tokens today/); // 1,200 + 550
  assert.match(page, /11\.8k tokens, 7 days/); // 11,750
  assert.match(page, /octo\/app !7 Add user search/);
  assert.match(page, /failed the model timed out/);
  assert.match(page, /gpt-review 1,200 \$0\.50 1,750 \$0\.75/, "tokens and cost by model");
  assert.match(page, /local-llama 300 — 300 —/, "an unpriced model: tokens, no cost");
  assert.match(html, /<title>13:00 — 1 reviews, 0 failed<\/title>/);
  assert.match(html, /<title>11:00 — 1 reviews, 1 failed<\/title>/);
  assert.match(html, /<title>11-29 — 1 reviews, 10000 prompt and 0 completion tokens<\/title>/);
  assert.match(html, /<svg class="chart"/);
});

Deno.test("stored text on the overview is escaped: a pull request titled with a script runs nothing", async () => {
  await using w = await dashboardWorld();
  await seedReview(w, {
    title: `<script>alert("pwned")</script><img src=x onerror=alert(1)>`,
    status: "failed",
    error: "<b>bold</b>",
    model: `<svg onload=alert(1)>`,
  });
  const user = await w.signIn();
  const html = await (await w.get("/", user)).text();
  assert.ok(!html.includes("<script>alert"), "no script tag from stored data");
  assert.ok(!html.includes("<img src=x"), "no element from stored data");
  assert.ok(!html.includes("<svg onload"), "no svg from stored data");
  assert.ok(!html.includes("<b>bold"), "no markup from stored data");
  assert.match(html, /&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;\/script&gt;/);
});

/** Reads a live stream's events until one satisfies `done`; returns every event read. */
async function readEvents(
  res: Response,
  done: (events: { event: string; data: string }[]) => boolean,
): Promise<{ event: string; data: string }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: string }[] = [];
  let buffer = "";
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join("\n");
        events.push({ event, data });
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

async function live(w: Awaited<ReturnType<typeof dashboardWorld>>, user: SignedIn, path = "/") {
  const res = await w.get(path, user, { accept: "text/event-stream" });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /text\/event-stream/);
  return res;
}

Deno.test("a new review appears on the overview's live stream without reloading", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  const res = await live(w, user);
  const fragments = (events: { event: string; data: string }[]) =>
    events.filter((e) => e.event === "fragment").map((e) => JSON.parse(e.data));
  let seeded = false;
  const events = await readEvents(res, (events) => {
    const recent = fragments(events).filter((f) => f.id === "recent");
    if (recent.length === 1 && !seeded) {
      assert.match(recent[0].html, /No reviews yet/);
      seeded = true;
      seedReview(w, { pr: 42, title: "Live one" });
    }
    return recent.length >= 2;
  });
  const recent = fragments(events).filter((f) => f.id === "recent");
  assert.match(recent[1].html, /!42/);
  assert.match(recent[1].html, /Live one/);
  assert.ok(fragments(events).some((f) => f.id === "queue"));
});

Deno.test("the live stream of a signed-out session says so and ends", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  const res = await live(w, user);
  await w.post("/sign-out", {}, user);
  const events = await readEvents(res, (events) => events.some((e) => e.event === "signed-out"));
  assert.ok(events.some((e) => e.event === "signed-out"));
});
