import assert from "node:assert/strict";
import type { ChatCommand, PlatformEvent, RepoRef } from "./platform/mod.ts";
import { type StoreWorld, testStores, withStores } from "../tests/stores.ts";
import { reviewEvent } from "../tests/support/memory_git_adapter.ts";
import { createIntake, type IntakeDeps, prGroupKey } from "./intake.ts";

const repo: RepoRef = { platform: "github", fullName: "octo/app" };
const opened = (headSha: string, pr = 7) => reviewEvent(repo, pr, headSha);
const command = (name: ChatCommand, author = "dev", pr = 7): PlatformEvent => ({
  type: "command",
  command: name,
  repo,
  pr,
  author,
});
const pushBy = (actor: string, headSha: string, pr = 7): PlatformEvent => ({
  ...reviewEvent(repo, pr, headSha),
  reason: "new_commits",
  actor,
} as PlatformEvent);

for (const factory of testStores()) {
  const t = (
    name: string,
    body: (
      deps: IntakeDeps,
      intake: ReturnType<typeof createIntake>,
      world: StoreWorld,
    ) => Promise<void>,
    limits: Partial<IntakeDeps> = {},
  ) =>
    Deno.test(`intake [${factory.name}]: ${name}`, () =>
      withStores(factory, async (world) => {
        const deps = { store: world.reviews, queue: world.queue, rateLimitPerRepo: 3, ...limits };
        await body(deps, createIntake(deps), world);
      }));

  t("a review event queues one review job; its redelivery queues nothing", async (deps, intake) => {
    const first = await intake("github", "d-1", opened("aaa"));
    assert.equal(first.status, 202);
    const jobId = (first.body as { job_id: number }).job_id;
    const job = await deps.queue.get(jobId);
    assert.equal(job?.kind, "review");
    assert.equal(job?.lane, "normal");
    assert.deepEqual(job?.payload, { repo, pr: 7, headSha: "aaa", trigger: "opened" });
    const again = await intake("github", "d-1", opened("aaa"));
    assert.deepEqual(again, {
      status: 200,
      body: { ignored: "delivery d-1 was already received" },
    });
    // Another delivery for the same head joins the job already queued.
    const sameHead = await intake("github", "d-2", opened("aaa"));
    assert.deepEqual(sameHead.body, { job_id: jobId });
    assert.equal((await deps.queue.list({ kind: "review" })).jobs.length, 1);
  });

  t("a new head supersedes the older head's unfinished jobs", async (deps, intake) => {
    const old = await intake("github", "d-1", opened("aaa"));
    const oldId = (old.body as { job_id: number }).job_id;
    const other = await intake("github", "d-x", opened("zzz", 8));
    const next = await intake("github", "d-2", opened("bbb"));
    assert.equal(next.status, 202);
    const oldJob = await deps.queue.get(oldId);
    assert.equal(oldJob?.status, "cancelled");
    assert.match(oldJob?.lastError ?? "", /superseded by bbb/);
    assert.equal(
      (await deps.queue.get((other.body as { job_id: number }).job_id))?.status,
      "queued",
    );
  });

  t(
    "closing a pull request queues a close job for its group; nothing is cancelled on the event's word",
    async (deps, intake) => {
      const queued = await intake("github", "d-1", opened("aaa"));
      const closed = await intake("github", "d-2", { type: "closed", repo, pr: 7 });
      assert.equal(closed.status, 200);
      const job = await deps.queue.get((queued.body as { job_id: number }).job_id);
      assert.equal(job?.status, "queued", "cancelled only once the platform confirms the close");
      assert.equal(job?.groupKey, prGroupKey(repo, 7));
      const close = await deps.queue.get((closed.body as { job_id: number }).job_id);
      assert.deepEqual([close?.kind, close?.lane, close?.groupKey], ["close", "high", null]);
      assert.deepEqual(close?.payload, { repo, pr: 7, group: prGroupKey(repo, 7) });
      // A replayed close queues no second close job while the first is unfinished.
      const again = await intake("github", "d-3", { type: "closed", repo, pr: 7 });
      assert.equal((again.body as { job_id: number }).job_id, close?.id);
      // With nothing unfinished there is nothing to confirm: no job.
      const idle = await intake("github", "d-4", { type: "closed", repo, pr: 8 });
      assert.deepEqual(idle.body, { ok: "closed: 0 unfinished jobs cancelled" });
    },
  );

  t("/loom review queues a high-lane review; /loom help a reply", async (deps, intake) => {
    const review = await intake("github", "c-1", command("review"));
    const job = await deps.queue.get((review.body as { job_id: number }).job_id);
    assert.equal(job?.lane, "high");
    assert.equal((job?.payload as { trigger: string }).trigger, "command");
    const help = await intake("github", "c-2", command("help"));
    const reply = await deps.queue.get((help.body as { job_id: number }).job_id);
    assert.equal(reply?.kind, "reply");
    assert.match((reply?.payload as { body: string }).body, /\/loom review/);
  });

  t(
    "each command queues its job in the high lane: full-review a full review, pause, resume and config a command job, resolve a resolve job",
    async (deps, intake) => {
      const queued = async (id: string, name: ChatCommand) => {
        const result = await intake("github", id, command(name, "ana"));
        assert.equal(result.status, 202, JSON.stringify(result));
        const job = await deps.queue.get((result.body as { job_id: number }).job_id);
        assert.equal(job?.lane, "high");
        assert.equal(job?.groupKey, prGroupKey(repo, 7));
        return { kind: job?.kind, payload: job?.payload as Record<string, unknown> };
      };
      const full = await queued("c-1", "full-review");
      assert.deepEqual([full.kind, full.payload.trigger, full.payload.full], [
        "review",
        "command",
        true,
      ]);
      const review = await intake("github", "c-1b", command("review", "ana", 8));
      const incremental = await deps.queue.get((review.body as { job_id: number }).job_id);
      assert.equal((incremental?.payload as { full?: boolean }).full, undefined);
      for (const name of ["pause", "resume", "config"] as const) {
        const job = await queued(`c-${name}`, name);
        assert.deepEqual([job.kind, job.payload.command, job.payload.commandBy], [
          "command",
          name,
          { name: "ana" },
        ]);
      }
      const resolve = await queued("c-r", "resolve");
      assert.deepEqual([resolve.kind, resolve.payload.commandBy], ["resolve", { name: "ana" }]);
    },
    { commandsPerPr: 100 },
  );

  t(
    "a /loom full-review while a /loom review runs is not restarted; every command counts against the pull request's limit",
    async (_deps, intake) => {
      assert.equal((await intake("github", "c-1", command("review", "a"))).status, 202);
      const again = await intake("github", "c-2", command("full-review", "b"));
      assert.match(
        (again.body as { ignored: string }).ignored,
        /still running; it is not restarted/,
      );
      assert.equal((await intake("github", "c-3", command("pause", "a"))).status, 202);
      const over = await intake("github", "c-4", command("config", "c"));
      assert.match((over.body as { ignored: string }).ignored, /#7 reached 2 commands per hour/);
      const resolve = await intake("github", "c-5", command("resolve", "c"));
      assert.equal(resolve.status, 200);
    },
    { commandsPerPr: 2 },
  );

  t("a repository over its reviews per minute gets 429 with Retry-After", async (_deps, intake) => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await intake("github", `d-${i}`, opened(`sha${i}`, 10 + i))).status, 202);
    }
    const limited = await intake("github", "d-3", opened("sha3", 20));
    assert.equal(limited.status, 429);
    assert.ok(limited.status === 429 && limited.retryAfterS >= 1 && limited.retryAfterS <= 60);
    // The refused delivery is not recorded: the platform's retry will be considered afresh.
    const otherRepo = await intake(
      "github",
      "d-4",
      { ...opened("sha4"), repo: { platform: "github", fullName: "octo/other" } } as PlatformEvent,
    );
    assert.equal(otherRepo.status, 202, "the limit is per repository");
  });

  t("a head already reviewed is not reviewed again unless asked", async (_deps, intake, world) => {
    await world.db.db.insertInto("reviews").values({
      platform: "github",
      repository: "octo/app",
      pr_number: 7,
      head_sha: "aaa",
      base_sha: null,
      status: "succeeded",
      trigger: "opened",
      job_id: null,
      summary_comment_id: null,
      findings: 0,
      blockers: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      llm_calls: 0,
      duration_ms: null,
      summary: null,
      error: null,
      created_at: 1,
      finished_at: 2,
      inputs: null,
      pr_title: null,
    }).execute();
    const edited = await intake("github", "d-1", opened("aaa"));
    assert.equal(edited.status, 200);
    assert.match((edited.body as { ignored: string }).ignored, /already reviewed/);
    const asked = await intake("github", "d-2", command("review"));
    assert.equal(asked.status, 202);
    assert.equal((await intake("github", "d-3", opened("bbb"))).status, 202, "a new head is");
  });

  t("ping and ignored events queue nothing", async (deps, intake) => {
    assert.deepEqual(await intake("github", "p", { type: "ping" }), {
      status: 200,
      body: { ok: "pong" },
    });
    assert.deepEqual(
      await intake("github", "i", { type: "ignored", reason: "event star is not handled" }),
      {
        status: 200,
        body: { ignored: "event star is not handled" },
      },
    );
    assert.equal((await deps.queue.list()).jobs.length, 0);
  });

  t(
    "ten /loom help commands and a /loom review do not exhaust the push budget",
    async (_deps, intake) => {
      for (let i = 0; i < 10; i++) {
        assert.equal((await intake("github", `h-${i}`, command("help"))).status, 202, `help ${i}`);
      }
      assert.equal((await intake("github", "r-1", command("review"))).status, 202);
      for (let i = 0; i < 3; i++) {
        const push = await intake("github", `p-${i}`, opened(`sha${i}`, 10 + i));
        assert.equal(push.status, 202, `push ${i}: commands never count against it`);
      }
      assert.equal((await intake("github", "p-3", opened("sha3", 20))).status, 429, "pushes do");
    },
  );

  t(
    "a commenter's /loom review does not cancel the running review before the job checks them",
    async (deps, intake) => {
      const push = await intake("github", "d-1", opened("aaa"));
      const pushJob = (push.body as { job_id: number }).job_id;
      const asked = await intake("github", "c-1", command("review", "drive-by"));
      assert.equal(asked.status, 202);
      assert.equal((await deps.queue.get(pushJob))?.status, "queued", "not cancelled by intake");
      const job = await deps.queue.get((asked.body as { job_id: number }).job_id);
      assert.deepEqual(
        (job?.payload as { commandBy: unknown }).commandBy,
        { name: "drive-by" },
        "the job learns whom to check",
      );
    },
  );

  t(
    "a repeated /loom review while one runs is ignored: it is not restarted",
    async (deps, intake) => {
      const first = await intake("github", "c-1", command("review", "alice"));
      assert.equal(first.status, 202);
      const again = await intake("github", "c-2", command("review", "bob"));
      assert.equal(again.status, 200);
      assert.match(
        (again.body as { ignored: string }).ignored,
        /still running; it is not restarted/,
      );
      const firstJob = await deps.queue.get((first.body as { job_id: number }).job_id);
      assert.equal(firstJob?.status, "queued");
      assert.equal((await deps.queue.list({ kind: "review" })).jobs.length, 1);
      // Another pull request's command is its own.
      assert.equal((await intake("github", "c-3", command("review", "bob", 8))).status, 202);
    },
  );

  t(
    "one person over LOOM_RATE_LIMIT_PER_USER: their pushes get 429, their commands are ignored",
    async (_deps, intake) => {
      assert.equal((await intake("github", "p-1", pushBy("mallory", "aaa", 1))).status, 202);
      assert.equal((await intake("github", "c-1", command("help", "mallory", 2))).status, 202);
      assert.equal((await intake("github", "c-2", command("help", "mallory", 3))).status, 202);
      // A fourth, on any pull request of any kind: over the limit of three an hour.
      const push = await intake("github", "p-2", pushBy("mallory", "bbb", 4));
      assert.equal(push.status, 429);
      assert.ok(push.status === 429 && push.retryAfterS > 60 && push.retryAfterS <= 3600);
      assert.match(JSON.stringify(push.body), /LOOM_RATE_LIMIT_PER_USER/);
      const help = await intake("github", "c-3", command("help", "mallory", 5));
      assert.equal(help.status, 200);
      assert.match((help.body as { ignored: string }).ignored, /mallory reached 3 reviews and/);
      // Others are not limited by mallory's use.
      assert.equal((await intake("github", "c-4", command("help", "alice", 5))).status, 202);
      assert.equal((await intake("github", "p-3", pushBy("alice", "ccc", 6))).status, 202);
    },
    { rateLimitPerUser: 3, rateLimitPerRepo: 100 },
  );

  t(
    "a pull request over its commands per hour ignores further commands, whoever gives them",
    async (_deps, intake) => {
      assert.equal((await intake("github", "c-1", command("help", "a"))).status, 202);
      assert.equal((await intake("github", "c-2", command("help", "b"))).status, 202);
      const third = await intake("github", "c-3", command("help", "c"));
      assert.equal(third.status, 200);
      assert.match(
        (third.body as { ignored: string }).ignored,
        /#7 reached 2 commands per hour \(LOOM_RATE_LIMIT_COMMANDS_PER_PR\)/,
      );
      assert.equal((await intake("github", "c-4", command("help", "c", 8))).status, 202);
      assert.equal((await intake("github", "p-1", opened("aaa"))).status, 202, "pushes are not");
    },
    { commandsPerPr: 2 },
  );
}

for (const factory of testStores()) {
  Deno.test(
    `intake [${factory.name}]: a delivery that cannot be recorded keeps no job, and its redelivery makes one`,
    () =>
      withStores(factory, async (world) => {
        const full = Object.assign(new Error("SQLITE_FULL: database or disk is full"), {
          code: "SQLITE_FULL",
        });
        let refuse = true;
        const store = {
          ...world.reviews,
          recordDelivery: (row: Parameters<typeof world.reviews.recordDelivery>[0]) =>
            refuse ? Promise.reject(full) : world.reviews.recordDelivery(row),
        };
        const intake = createIntake({ store, queue: world.queue, rateLimitPerRepo: 3 });
        // A help command has no dedupe key: a job left behind would be answered twice.
        await assert.rejects(intake("github", "d-1", command("help")), /database or disk is full/);
        assert.equal((await world.queue.list()).jobs.length, 0, "the job went with its delivery");
        refuse = false;
        const again = await intake("github", "d-1", command("help"));
        assert.equal(again.status, 202);
        assert.equal((await world.queue.list()).jobs.length, 1);
      }),
  );
}
