import assert from "node:assert/strict";
import { githubFailure, startFakeGithub } from "../../tests/fakes/github/server.ts";
import { schemaProblems } from "../../tests/fakes/github/graphql.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runThreadContract } from "../../tests/support/thread_contract.ts";
import { createGithubAdapter } from "./adapter.ts";
import { graphqlRoot, RESOLVE_MUTATION, THREADS_QUERY } from "./threads.ts";
import type { FakeGithub } from "../../tests/fakes/github/server.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

const TOKEN = "ghp_threadsTokenValue0123456789abcdef";
const REPO: RepoRef = { platform: "github", fullName: "octo/app" };

interface Env extends contract.ContractEnv {
  github: FakeGithub;
}

async function setup(): Promise<Env> {
  const github = await startFakeGithub({ token: TOKEN, now: () => kit.T0 });
  github.addPullRequest(kit.githubStyleSeed("octo/app", "mona"));
  const adapter = createGithubAdapter({
    apiUrl: github.url,
    webhookSecret: kit.WEBHOOK_SECRET,
    token: TOKEN,
    now: () => kit.T0,
  });
  return { ...await contract.contractEnv(github, adapter, REPO), github };
}

runThreadContract<Env, ReturnType<typeof githubFailure.http>>({
  platform: "GitHub",
  setup,
  person: "octocat",
  act: {
    resolve: (env, id) => env.github.resolveThreadAs("octo/app", Number(id), "octocat"),
    reply: (env, id, body) => void env.github.replyTo("octo/app", Number(id), body),
    loomReply: (env, id, body) =>
      void env.github.replyTo("octo/app", Number(id), body, { login: "loom[bot]", type: "Bot" }),
    thumbsDown: (env, id) => env.github.react("octo/app", Number(id), "-1", "octocat"),
    remove: (env, id) => env.github.deleteReviewComment("octo/app", Number(id)),
  },
  foreignInline: (env, fingerprint) =>
    void env.github.addReviewComment("octo/app", 7, {
      path: "src/db.ts",
      line: 4,
      body: `Nothing to fix.\n\n<!-- loom:fp:${fingerprint} -->`,
    }),
  resolvedOnFake: (env, id) => env.github.thread("octo/app", Number(id)).resolved,
  loomName: "loom[bot]",
  failures: {
    serverError: { failure: githubFailure.serverError(502), status: 502 },
    missingPr: 99,
  },
});

Deno.test("GitHub threads: the query and the mutation Loom sends are valid against GitHub's published schema", () => {
  assert.deepEqual(schemaProblems(THREADS_QUERY), []);
  assert.deepEqual(schemaProblems(RESOLVE_MUTATION), []);
  // The check can fail: a field GitHub does not have is named.
  assert.match(
    schemaProblems(THREADS_QUERY.replace("isResolved", "isDone")).join("\n"),
    /Cannot query field "isDone" on type "PullRequestReviewThread"/,
  );
});

Deno.test("GitHub threads: every GraphQL call reached the fake valid, and threads are paged 100 at a time", async () => {
  await using env = await setup();
  const many = kit.manyComments(130, "src/db.ts", 6);
  const result = await env.adapter.postInline(env.repo, env.pr, many);
  assert.equal(result.posted.length, 130);
  const threads = await env.adapter.listThreads(env.repo, env.pr);
  assert.deepEqual(threads.map((t) => t.fingerprint), many.map((c) => c.fingerprint));
  const calls = env.github.graphqlCalls();
  assert.equal(calls.length, 2, "two pages");
  assert.deepEqual(calls.map((c) => (c.variables as { after: string | null }).after === null), [
    true,
    false,
  ]);
  for (const c of calls) assert.deepEqual(schemaProblems(c.query), []);
  assert.equal(
    await env.adapter.resolveThread(env.repo, env.pr, result.posted[129].id, "ok"),
    "resolved",
  );
  assert.deepEqual(schemaProblems(env.github.graphqlCalls().at(-1)!.query), []);
  assert.equal(env.github.thread("octo/app", Number(result.posted[129].id)).resolved, true);
});

Deno.test("GitHub threads: GraphQL's rate limit (200 with RATE_LIMITED) waits until the reset", async () => {
  await using env = await setup();
  env.github.failNext(
    {
      status: 200,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(kit.T0 / 1000 + 30) },
      body: {
        errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for user ID 1." }],
      },
    },
    { path: "/graphql" },
  );
  const error = await kit.platformError(env.adapter.listThreads(env.repo, env.pr));
  assert.deepEqual([error.retryable, error.rateLimited, error.retryAfterMs], [true, true, 31_000]);
});

Deno.test("GitHub threads: GraphQL is served beside the REST API root (github.com and GHES)", () => {
  assert.equal(graphqlRoot("https://api.github.com"), "https://api.github.com");
  assert.equal(graphqlRoot("https://ghe.example.com/api/v3/"), "https://ghe.example.com/api");
});

Deno.test("GitHub threads: on GitHub Enterprise Server GraphQL is asked at /api/graphql", async () => {
  const seen: string[] = [];
  const fakeFetch: typeof fetch = (input, init) => {
    const req = new Request(input, init);
    seen.push(req.url);
    return Promise.resolve(Response.json({
      data: {
        repository: {
          pullRequest: {
            reviewThreads: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
          },
        },
      },
    }));
  };
  const adapter = createGithubAdapter({
    apiUrl: "https://ghe.example.com/api/v3",
    webhookSecret: kit.WEBHOOK_SECRET,
    token: TOKEN,
    botLogin: "loom[bot]",
    fetch: fakeFetch,
  });
  assert.deepEqual(await adapter.listThreads(REPO, { number: 7 } as never), []);
  assert.deepEqual(seen, ["https://ghe.example.com/api/graphql"]);
});

Deno.test("GitHub threads: FORBIDDEN on resolveReviewThread names the permission it needs", async () => {
  await using env = await setup();
  const { posted } = await env.adapter.postInline(env.repo, env.pr, [
    kit.comment("src/db.ts", 4, "fp-a"),
  ]);
  // GitHub's answer to an App without Contents write: the list works, the mutation does not.
  const forbidding: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    if (
      req.url.endsWith("/graphql") && (await req.clone().text()).includes("resolveReviewThread")
    ) {
      return Response.json({
        data: { resolveReviewThread: null },
        errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }],
      });
    }
    return fetch(req);
  };
  const adapter = createGithubAdapter({
    apiUrl: env.github.url,
    webhookSecret: kit.WEBHOOK_SECRET,
    token: TOKEN,
    fetch: forbidding,
  });
  const error = await kit.platformError(adapter.resolveThread(env.repo, env.pr, posted[0].id, "x"));
  assert.deepEqual([error.status, error.retryable], [403, false]);
  assert.match(error.message, /Contents: Read and write/);
  assert.equal(env.github.thread("octo/app", Number(posted[0].id)).resolved, false);
});
