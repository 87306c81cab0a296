import assert from "node:assert/strict";
import {
  type FakeGitea,
  type FakeGiteaOptions,
  startFakeGitea,
} from "../../tests/fakes/gitea/server.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runThreadContract, type ThreadHarness } from "../../tests/support/thread_contract.ts";
import { createGiteaAdapter } from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";
import type { FakeFailure } from "../../tests/fakes/fake_server.ts";

const TOKEN = "gitea-threadsTokenValue0123456789";
const REPO: RepoRef = { platform: "gitea", fullName: "octo/app" };

interface Env extends contract.ContractEnv {
  gitea: FakeGitea;
}

async function setup(fakeOptions: FakeGiteaOptions = {}): Promise<Env> {
  const gitea = await startFakeGitea({ token: TOKEN, now: () => kit.T0, ...fakeOptions });
  gitea.addPullRequest(kit.githubStyleSeed("octo/app", "mona"));
  const adapter = createGiteaAdapter({
    url: gitea.url,
    token: TOKEN,
    webhookSecret: kit.WEBHOOK_SECRET,
    now: () => kit.T0,
  });
  return { ...await contract.contractEnv(gitea, adapter, REPO), gitea };
}

const harness = (
  platform: string,
  fakeOptions: FakeGiteaOptions,
): ThreadHarness<Env, FakeFailure> => ({
  platform,
  setup: () => setup(fakeOptions),
  person: "alice",
  act: {
    resolve: (env, id) => env.gitea.resolveAs("octo/app", Number(id), "alice"),
    reply: (env, id, body) => void env.gitea.replyTo("octo/app", Number(id), body),
    loomReply: (env, id, body) => void env.gitea.replyTo("octo/app", Number(id), body, "loom-bot"),
    remove: (env, id) => env.gitea.deleteReviewComment("octo/app", Number(id)),
  },
  foreignInline: (env, fingerprint) =>
    void env.gitea.addReview("octo/app", 7, {
      path: "src/db.ts",
      line: 4,
      body: `Nothing to fix.\n\n<!-- loom:fp:${fingerprint} -->`,
    }),
  resolvedOnFake: (env, id) => env.gitea.resolver("octo/app", Number(id)) !== null,
  loomName: "loom-bot",
  failures: {
    serverError: { failure: { status: 502, body: "Bad Gateway" }, status: 502 },
    missingPr: 99,
  },
});

runThreadContract(harness("Gitea", {}));

runThreadContract({
  ...harness("Forgejo", { flavor: "forgejo" }),
  cannotResolve: {
    replies: (env, id) => {
      const c = env.gitea.reviewComments("octo/app", 7).find((c) => String(c.id) === id)!;
      return env.gitea.reviewComments("octo/app", 7).filter((o) =>
        o.id > c.id && o.path === c.path && o.newLine === c.newLine && o.user === "loom-bot"
      ).map((o) => o.body);
    },
  },
});

Deno.test("Gitea threads: Gitea before 1.24 has no resolve route: the note is a reply, said once", async () => {
  await using env = await setup({ version: "1.23.8" });
  const { posted } = await env.adapter.postInline(env.repo, env.pr, [
    kit.comment("src/db.ts", 4, "fp-a"),
  ]);
  const id = posted[0].id;
  assert.equal(await env.adapter.resolveThread(env.repo, env.pr, id, "Fixed."), "replied");
  assert.equal(await env.adapter.resolveThread(env.repo, env.pr, id, "Fixed."), "already_resolved");
  assert.equal(env.gitea.requests.filter((r) => r.path.endsWith("/resolve")).length, 0);
  const notes = env.gitea.reviewComments("octo/app", 7).filter((c) => c.body.includes("Fixed."));
  assert.equal(notes.length, 1);
  assert.equal(notes[0].newLine, 4);
  assert.equal(
    (await env.adapter.listComments(env.repo, env.pr)).length,
    1,
    "the note is no finding",
  );
});

Deno.test("Gitea threads: a Forgejo that answers 405 on the resolve route gets a reply", async () => {
  // A Forgejo whose version route is hidden looks like Gitea; the 405 still tells.
  await using env = await setup({ flavor: "forgejo", version: "1.24.0" });
  env.gitea.failNext({ status: 404, body: "not found" }, { path: "/api/forgejo/v1/version" });
  const { posted } = await env.adapter.postInline(env.repo, env.pr, [
    kit.comment("src/db.ts", 4, "fp-a"),
  ]);
  assert.equal(
    await env.adapter.resolveThread(env.repo, env.pr, posted[0].id, "Fixed."),
    "replied",
  );
  assert.equal(env.gitea.requests.filter((r) => r.path.endsWith("/resolve")).length, 1);
});
