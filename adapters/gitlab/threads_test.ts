import {
  type FakeGitlab,
  gitlabFailure,
  startFakeGitlab,
} from "../../tests/fakes/gitlab/server.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runThreadContract } from "../../tests/support/thread_contract.ts";
import { createGitlabAdapter } from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

const TOKEN = "glpat-threadsTokenValue0123456789";
const PROJECT = "acme/platform/app";
const REPO: RepoRef = { platform: "gitlab", fullName: PROJECT, id: "14" };
const LOOM = { id: 9001, username: "project_14_bot_loom", name: "Loom" };

interface Env extends contract.ContractEnv {
  gitlab: FakeGitlab;
}

async function setup(): Promise<Env> {
  const gitlab = await startFakeGitlab({ token: TOKEN, now: () => kit.T0 });
  const { number: iid, headRef: sourceBranch, baseRef: targetBranch, ...seed } = kit.SEED;
  gitlab.addMergeRequest({
    ...seed,
    project: PROJECT,
    projectId: 14,
    iid,
    startSha: "c".repeat(40),
    sourceBranch,
    targetBranch,
    author: "alice",
  });
  const adapter = createGitlabAdapter({
    url: gitlab.url,
    webhookSecret: kit.WEBHOOK_SECRET,
    token: TOKEN,
    now: () => kit.T0,
    sleep: () => Promise.resolve(),
  });
  return { ...await contract.contractEnv(gitlab, adapter, REPO), gitlab };
}

runThreadContract<Env, ReturnType<typeof gitlabFailure.serverError>>({
  platform: "GitLab",
  setup,
  person: "alice",
  act: {
    resolve: (env, id) => env.gitlab.resolveDiscussionAs(PROJECT, Number(id)),
    reply: (env, id, body) => void env.gitlab.replyInDiscussion(PROJECT, Number(id), body),
    loomReply: (env, id, body) =>
      void env.gitlab.replyInDiscussion(PROJECT, Number(id), body, LOOM),
    thumbsDown: (env, id) => env.gitlab.awardEmoji(PROJECT, Number(id), "thumbsdown"),
    remove: (env, id) => env.gitlab.deleteNote(PROJECT, Number(id)),
  },
  foreignInline: (env, fingerprint) =>
    void env.gitlab.addDiffDiscussion(PROJECT, 7, {
      path: "src/db.ts",
      line: 4,
      body: `Nothing to fix.\n\n<!-- loom:fp:${fingerprint} -->`,
    }),
  resolvedOnFake: (env, id) => env.gitlab.discussionOf(PROJECT, Number(id))?.resolvedBy != null,
  loomName: LOOM.username,
  failures: {
    serverError: { failure: gitlabFailure.serverError(502), status: 502 },
    missingPr: 99,
  },
});
