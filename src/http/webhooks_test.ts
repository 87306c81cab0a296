import assert from "node:assert/strict";
import { testStores, withStores } from "../../tests/stores.ts";
import {
  createMemoryGitAdapter,
  type MemoryGitAdapter,
  reviewEvent,
} from "../../tests/support/memory_git_adapter.ts";
import { createIntake } from "../intake.ts";
import { silentLogger } from "../log.ts";
import type { Queue } from "../queue/mod.ts";
import { createApp } from "./app.ts";
import { createMetrics } from "./metrics.ts";

const repo = { platform: "memory", fullName: "octo/app" };
const review = (pr: number) => reviewEvent(repo, pr, "a".repeat(40));

/** A delivery to the memory platform: its token, an id, the event as JSON. */
function delivery(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: {
      "x-memory-token": "memory-token",
      "x-memory-delivery": crypto.randomUUID(),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

for (const factory of testStores()) {
  const t = (
    name: string,
    body: (app: ReturnType<typeof createApp>, queue: Queue, git: MemoryGitAdapter) => Promise<void>,
  ) =>
    Deno.test(`webhooks [${factory.name}]: ${name}`, () =>
      withStores(factory, async ({ queue, reviews }) => {
        const git = createMemoryGitAdapter();
        const app = createApp({
          store: reviews,
          queue,
          metrics: createMetrics(() => queue.count()),
          log: silentLogger,
          webhooks: {
            intake: createIntake({ store: reviews, queue, rateLimitPerRepo: 2 }),
            platforms: ["memory", "gitlab"],
            adapters: { memory: git },
            disabled: { gitlab: "set LOOM_GITLAB_WEBHOOK_SECRET" },
            maxBodyBytes: 2_000,
          },
        });
        await body(app, queue, git);
      }));

  t("a verified review event is queued: 202 with the job id", async (app, queue) => {
    const res = await app.request("/webhooks/memory", delivery(review(1)));
    assert.equal(res.status, 202);
    const { job_id } = await res.json();
    const job = await queue.get(job_id);
    assert.equal(job?.kind, "review");
    assert.deepEqual(job?.payload, { repo, pr: 1, headSha: "a".repeat(40), trigger: "opened" });
  });

  t(
    "an event Loom does not act on, or a redelivery, is 200 and queues nothing",
    async (app, queue) => {
      const ignored = await app.request(
        "/webhooks/memory",
        delivery({ type: "ignored", reason: "event star is not handled" }),
      );
      assert.equal(ignored.status, 200);
      assert.deepEqual(await ignored.json(), { ignored: "event star is not handled" });
      const ping = await app.request("/webhooks/memory", delivery({ type: "ping" }));
      assert.deepEqual([ping.status, await ping.json()], [200, { ok: "pong" }]);
      const once = delivery(review(1), { "x-memory-delivery": "d-1" });
      assert.equal((await app.request("/webhooks/memory", once)).status, 202);
      const again = await app.request("/webhooks/memory", { ...once });
      assert.equal(again.status, 200);
      assert.match((await again.json()).ignored, /delivery d-1 was already received/);
      assert.equal((await queue.list()).jobs.length, 1);
    },
  );

  t("a wrong or missing token is 401 and reaches no intake", async (app, queue) => {
    const wrong = await app.request(
      "/webhooks/memory",
      delivery(review(1), { "x-memory-token": "guess" }),
    );
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).error, /signature or token/);
    const missing = await app.request("/webhooks/memory", { method: "POST", body: "{}" });
    assert.equal(missing.status, 401);
    assert.equal((await queue.list()).jobs.length, 0);
  });

  t("a malformed body is 400 with the adapter's reason", async (app) => {
    const res = await app.request("/webhooks/memory", delivery("{not json"));
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: "the body is not JSON" });
  });

  t("a body over the limit is 413, before any verification", async (app, _queue, git) => {
    let verified = 0;
    const verify = git.verifyWebhook;
    git.verifyWebhook = (req, raw) => (verified++, verify(req, raw));
    const res = await app.request("/webhooks/memory", delivery("x".repeat(2_001)));
    assert.equal(res.status, 413);
    assert.match((await res.json()).error, /larger than 2000 bytes \(LOOM_MAX_BODY_BYTES\)/);
    assert.equal(verified, 0);
  });

  t(
    "a Content-Length over the limit is 413 with the body unread; at the limit it is read",
    async (app) => {
      let pulled = 0;
      const body = (size: number) =>
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled++;
            controller.enqueue(new TextEncoder().encode(" ".repeat(size)));
            controller.close();
          },
        }, { highWaterMark: 0 }); // pulled only when read
      const over = await app.request("/webhooks/memory", {
        ...delivery(""),
        headers: { ...delivery("").headers, "content-length": "2001" },
        body: body(2_001),
      });
      assert.equal(over.status, 413);
      assert.match((await over.json()).error, /larger than 2000 bytes/);
      assert.equal(pulled, 0);
      const json = JSON.stringify(review(1));
      const within = await app.request("/webhooks/memory", {
        ...delivery(json),
        headers: { ...delivery(json).headers, "content-length": String(json.length) },
      });
      assert.equal(within.status, 202);
    },
  );

  t("a chunked body is read up to the limit: within it is taken, past it 413", async (app) => {
    const chunked = (text: string, chunk: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = new TextEncoder().encode(text);
          for (let i = 0; i < bytes.length; i += chunk) {
            controller.enqueue(bytes.slice(i, i + chunk));
          }
          controller.close();
        },
      });
    const json = JSON.stringify(review(1));
    const within = await app.request("/webhooks/memory", {
      ...delivery(""),
      body: chunked(json, 10),
    });
    assert.equal(within.status, 202);
    const over = await app.request("/webhooks/memory", {
      ...delivery(""),
      body: chunked(" ".repeat(5_000), 500),
    });
    assert.equal(over.status, 413);
  });

  t("an unknown platform, or a disabled one, is 404 saying which", async (app) => {
    const unknown = await app.request("/webhooks/nope", delivery(review(1)));
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), {
      error: "unknown platform nope; known: memory, gitlab",
    });
    const disabled = await app.request("/webhooks/gitlab", delivery(review(1)));
    assert.equal(disabled.status, 404);
    assert.deepEqual(await disabled.json(), {
      error: "gitlab webhooks are disabled: set LOOM_GITLAB_WEBHOOK_SECRET",
    });
  });

  t("a repository over its reviews per minute is 429 with Retry-After", async (app) => {
    for (const pr of [1, 2]) {
      assert.equal((await app.request("/webhooks/memory", delivery(review(pr)))).status, 202);
    }
    const limited = await app.request("/webhooks/memory", delivery(review(3)));
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.match((await limited.json()).error, /octo\/app reached 2 reviews per minute/);
  });
}
