/**
 * The life of a review on Azure DevOps, end to end through `loom serve`: the shared scenarios
 * (`review_life_e2e.ts`) over the fake Azure DevOps, each push a commit of its own in the fake's
 * commit graph and a new iteration of the pull request. Azure keeps a thread's verdict in its
 * status (`fixed`, `wontFix`…), without saying who set it.
 */
import assert from "node:assert/strict";
import { KIND_PROPERTY } from "../../adapters/azure_devops/adapter.ts";
import {
  type FakeIdentity,
  type FakeThread,
  startFakeAzureDevops,
} from "../fakes/azure_devops/server.ts";
import {
  azureDevopsWebhook,
  pullRequestCommentPayload,
  pullRequestCreatedPayload,
  pullRequestUpdatedPayload,
} from "../fakes/azure_devops/payloads.ts";
import type { ContentAnswer, RecordedRequest } from "../fakes/llm/server.ts";
import { startLoomE2e } from "../support/e2e.ts";
import {
  lifePush,
  type LifeWorld,
  reviewLifeTests,
  seedLifeCommits,
  settle,
} from "../support/review_life_e2e.ts";
import { loomFiles, USER_SEARCH_PR } from "../support/user_search_scenario.ts";

const TOKEN = "azdo-life-pat-never-logged";
const HOOK_USER = "loom-service-hook";
const HOOK_PASSWORD = "hook-life-password-never-logged";
const PROJECT = "Fabrikam";
const NAME = "app";
const REPO = `${PROJECT}/${NAME}`;
const PR = USER_SEARCH_PR.number;
/** Who may command Loom (may push: GenericContribute), the payloads' default commenter. */
const JAMIE: FakeIdentity = {
  displayName: "Jamie Rivera",
  uniqueName: "jamie@fabrikam.example",
  id: "7f3c2a10-5b1e-4c8d-9a6f-2e4b8c1d0f93",
};
/** Known to the organization, allowed nothing on the repository. */
const MALLORY: FakeIdentity = {
  displayName: "Mallory",
  uniqueName: "mallory@fabrikam.example",
  id: "0badc0de-0000-4000-8000-000000000666",
};
const GENERIC_CONTRIBUTE = 4;
/** Azure's status states in the port's words. */
const STATES: Record<string, string> = {
  pending: "pending",
  succeeded: "success",
  failed: "failure",
  error: "error",
};
/** A thread's statuses that leave it open; any other is a verdict. */
const OPEN = new Set(["active", "pending"]);

async function startWorld(model: (req: RecordedRequest) => ContentAnswer): Promise<LifeWorld> {
  const azure = await startFakeAzureDevops({ token: TOKEN });
  const { id: repoId } = azure.addRepository({ project: PROJECT, name: NAME });
  azure.grant(REPO, JAMIE, GENERIC_CONTRIBUTE);
  azure.addIdentity(MALLORY);
  let pr = { baseSha: "", headSha: "", diff: "" };
  let config: Record<string, string> = {};
  /** Gives the fake's repository the tree of `sha`, with the config the base branch holds. */
  const addCommit = (sha: string) =>
    azure.addCommit(REPO, sha, { ...azure.commits.get(sha)!.files, ...config });
  const e2e = await startLoomE2e({
    platformId: "azure-devops",
    model,
    platform(llm) {
      config = loomFiles(llm.url);
      pr = seedLifeCommits(azure.commits);
      addCommit(pr.baseSha);
      addCommit(pr.headSha);
      azure.addPullRequest({
        repo: REPO,
        number: PR,
        title: USER_SEARCH_PR.title,
        sourceRef: `refs/heads/${USER_SEARCH_PR.headRef}`,
        targetRef: `refs/heads/${USER_SEARCH_PR.baseRef}`,
        sourceCommit: pr.headSha,
        targetCommit: pr.baseSha,
        mergeBase: pr.baseSha,
        diff: pr.diff,
      });
      return {
        LOOM_AZURE_DEVOPS_URL: azure.url,
        LOOM_AZURE_DEVOPS_TOKEN: TOKEN,
        LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: HOOK_USER,
        LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: HOOK_PASSWORD,
      };
    },
    close: () => azure.close(),
  });
  const deliver = async (payload: unknown) => {
    const d = azureDevopsWebhook({ username: HOOK_USER, password: HOOK_PASSWORD, payload });
    await settle(e2e, await e2e.postWebhook(d));
  };
  const event = () => ({
    project: PROJECT,
    repo: NAME,
    repoId,
    pr: PR,
    headSha: pr.headSha,
    targetSha: pr.baseSha,
  });
  try {
    await deliver(pullRequestCreatedPayload(event()));
  } catch (error) {
    await e2e.dispose();
    throw error;
  }

  let comments = 0;
  const byKind = (kind: string) =>
    azure.threads(REPO, PR).filter((t) =>
      t.properties[KIND_PROPERTY]?.$value === kind &&
      !t.isDeleted
    );
  const first = (t: FakeThread) => t.comments[0].content;
  return {
    e2e,
    async push(files, options) {
      pr = lifePush(azure.commits, pr, files, options);
      addCommit(pr.headSha);
      azure.push(REPO, PR, {
        sourceCommit: pr.headSha,
        targetCommit: pr.baseSha,
        mergeBase: pr.baseSha,
        diff: pr.diff,
      });
      await deliver(pullRequestUpdatedPayload(event()));
    },
    async comment(text, options = {}) {
      // Each command a thread of its own, as a person starting a discussion makes it.
      await deliver(pullRequestCommentPayload({
        ...event(),
        content: text,
        commenter: options.writer === false ? MALLORY : JAMIE,
        threadId: 900 + ++comments,
        commentId: 1,
      }));
    },
    threads: () =>
      byKind("inline").map((t) => ({
        id: String(t.id),
        path: String(t.threadContext.filePath).replace(/^\//, ""),
        line: t.threadContext.rightFileStart.line,
        resolved: !OPEN.has(t.status),
        body: first(t),
      })),
    // "Resolve" in Azure's UI sets the thread's status to fixed.
    resolveAsPerson: (id) => azure.setThreadStatus(REPO, PR, Number(id), "fixed"),
    replyAsPerson: (id, body) => azure.replyTo(REPO, PR, Number(id), body, JAMIE),
    summaries: () => byKind("summary").map(first),
    replies: () => byKind("reply").map(first),
    statuses: () => {
      // Loom's statuses are the pull request's, each on the iteration it reviewed.
      const head = azure.pullRequest(REPO, PR)!.iterations.at(-1)!.id;
      return azure.statuses(REPO, PR).filter((s) => s.iterationId === head).map((s) => ({
        state: STATES[s.state] ?? s.state,
        description: s.description ?? "",
      }));
    },
    async [Symbol.asyncDispose]() {
      try {
        assert.deepEqual(azure.violations, [], "nothing Azure would misplace");
      } finally {
        await e2e.dispose();
      }
    },
  };
}

reviewLifeTests({ platform: "azure-devops", start: startWorld });
