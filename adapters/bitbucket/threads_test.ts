import assert from "node:assert/strict";
import { type FakeBitbucket, startFakeBitbucket } from "../../tests/fakes/bitbucket/server.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runThreadContract } from "../../tests/support/thread_contract.ts";
import { createBitbucketAdapter } from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";
import type { FakeFailure } from "../../tests/fakes/fake_server.ts";

const TOKEN = "bb-threads-token-s3cret-0123456789";
const REPO: RepoRef = { platform: "bitbucket", fullName: "ws/app" };

interface Env extends contract.ContractEnv {
  bitbucket: FakeBitbucket;
}

async function setup(): Promise<Env> {
  const bitbucket = await startFakeBitbucket({ token: TOKEN });
  bitbucket.addPullRequest({
    ...kit.SEED,
    repo: "ws/app",
    headSha: kit.HEAD,
    baseSha: kit.BASE,
    author: { display_name: "Emma", nickname: "emmap1" },
  });
  const adapter = createBitbucketAdapter({
    apiUrl: bitbucket.url,
    webhookSecret: kit.WEBHOOK_SECRET,
    token: TOKEN,
  });
  return { ...await contract.contractEnv(bitbucket, adapter, REPO), bitbucket };
}

runThreadContract<Env, FakeFailure>({
  platform: "Bitbucket",
  setup,
  person: "emmap1",
  act: {
    resolve: (env, id) => env.bitbucket.resolveAs("ws/app", Number(id)),
    reply: (env, id, body) => void env.bitbucket.replyTo("ws/app", Number(id), body),
    loomReply: (env, id, body) =>
      void env.bitbucket.replyTo("ws/app", Number(id), body, env.bitbucket.bot),
    remove: (env, id) => env.bitbucket.deleteComment("ws/app", Number(id)),
  },
  foreignInline: (env, fingerprint) =>
    void env.bitbucket.addComment("ws/app", 7, `Nothing to fix.\n\n[loom-fp-${fingerprint}]: #`, {
      inline: { path: "src/db.ts", to: 4 },
    }),
  resolvedOnFake: (env, id) =>
    !!env.bitbucket.comments("ws/app", 7).find((c) => String(c.id) === id)?.resolvedBy,
  loomName: "loom-bot",
  failures: {
    serverError: { failure: { status: 502, body: "Bad Gateway" }, status: 502 },
    missingPr: 99,
  },
});

Deno.test("Bitbucket threads: a comment resolved between the list and the resolve (409) is already_resolved", async () => {
  await using env = await setup();
  const { posted } = await env.adapter.postInline(env.repo, env.pr, [
    kit.comment("src/db.ts", 4, "fp-a"),
  ]);
  env.bitbucket.failNext(
    { status: 409, body: { type: "error", error: { message: "Comment is already resolved." } } },
    { method: "POST", path: /\/resolve$/ },
  );
  assert.equal(
    await env.adapter.resolveThread(env.repo, env.pr, posted[0].id, "fixed"),
    "already_resolved",
  );
});
