import assert from "node:assert/strict";
import {
  azureFailure,
  type FakeAzureDevops,
  startFakeAzureDevops,
} from "../../tests/fakes/azure_devops/server.ts";
import { pullRequestFromGit } from "../../tests/fakes/azure_devops/_git.ts";
import { type GitRepo, makeRepo } from "../../tests/git_repo.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runThreadContract } from "../../tests/support/thread_contract.ts";
import { createAzureDevopsAdapter, FINGERPRINT_PROPERTY, KIND_PROPERTY } from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

const TOKEN = "azdo-threads-pat-s3cret0123456789abcdefghij";
const REPO_NAME = "Fabrikam Web/app";

/** src/db.ts with line 4 changed, and a new README.md: the lines the contract comments on. */
async function fixture(): Promise<GitRepo> {
  const git = await makeRepo();
  await git.write(
    "src/db.ts",
    "import { sql } from '../sql.ts';\n\nexport function find(id) {\n  return sql(id);\n}\n",
  );
  await git.commit("base");
  await git.git("checkout", "-q", "-b", "feature");
  await git.write(
    "src/db.ts",
    "import { sql } from '../sql.ts';\n\nexport function find(id: string) {\n  return sql`select ${id}`;\n}\n",
  );
  await git.write("README.md", "# App\n\nDocs.\n");
  await git.commit("feature");
  return git;
}

const GIT = await fixture();
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(GIT.dir, { recursive: true });
  } catch { /* already gone */ }
});

interface Env extends contract.ContractEnv {
  azure: FakeAzureDevops;
}

async function setup(): Promise<Env> {
  const azure = await startFakeAzureDevops({ token: TOKEN });
  const { id } = azure.addRepository({ project: "Fabrikam Web", name: "app" });
  const { number, title, description, baseRef: base } = kit.SEED;
  await pullRequestFromGit(azure, GIT, {
    repo: REPO_NAME,
    number,
    title,
    description,
    base,
    head: "feature",
  });
  const adapter = createAzureDevopsAdapter({
    url: azure.url,
    token: TOKEN,
    webhookUsername: "hook",
    webhookPassword: "hook-password",
  });
  const repo: RepoRef = { platform: "azure-devops", fullName: REPO_NAME, id };
  return { ...await contract.contractEnv(azure, adapter, repo), azure };
}

const threadOf = (id: string) => Number(id.split("/")[0]);
const PERSON = "jamie@fabrikam.example";

runThreadContract<Env, ReturnType<typeof azureFailure.serverError>>({
  platform: "Azure DevOps",
  setup,
  person: PERSON,
  act: {
    resolve: (env, id) => env.azure.setThreadStatus(REPO_NAME, 7, threadOf(id), "wontFix"),
    reply: (env, id, body) => env.azure.replyTo(REPO_NAME, 7, threadOf(id), body),
    loomReply: (env, id, body) =>
      env.azure.replyTo(REPO_NAME, 7, threadOf(id), body, env.azure.bot),
    remove: (env, id) => env.azure.deleteThread(REPO_NAME, 7, threadOf(id)),
  },
  foreignInline: (env, fingerprint) =>
    void env.azure.addThread(REPO_NAME, 7, "Nothing to fix.", undefined, {
      [KIND_PROPERTY]: "inline",
      [FINGERPRINT_PROPERTY]: fingerprint,
    }),
  resolvedOnFake: (env, id) =>
    env.azure.threads(REPO_NAME, 7).find((t) => t.id === threadOf(id))?.status === "fixed",
  resolverUnknown: true,
  failures: { serverError: { failure: azureFailure.serverError(503), status: 503 }, missingPr: 99 },
});

Deno.test("Azure DevOps threads: a like is a +1, and every closed status is a verdict", async () => {
  await using env = await setup();
  const { posted } = await env.adapter.postInline(env.repo, env.pr, [
    kit.comment("src/db.ts", 4, "fp-a"),
  ]);
  const id = posted[0].id;
  env.azure.like(REPO_NAME, 7, threadOf(id));
  let [t] = await env.adapter.listThreads(env.repo, env.pr);
  assert.deepEqual([t.resolved, t.reactions], [false, [{ author: PERSON, content: "+1" }]]);
  for (const status of ["pending", "fixed", "closed", "byDesign", "wontFix", "active"]) {
    env.azure.setThreadStatus(REPO_NAME, 7, threadOf(id), status);
    [t] = await env.adapter.listThreads(env.repo, env.pr);
    assert.equal(t.resolved, !["pending", "active"].includes(status), status);
  }
  assert.equal(await env.adapter.resolveThread(env.repo, env.pr, id, "fixed"), "resolved");
  const sent = env.azure.requests.filter((r) => r.method === "PATCH").at(-1)!;
  assert.deepEqual(sent.body, { status: "fixed" });
  assert.equal(sent.query["api-version"], "7.1");
});
