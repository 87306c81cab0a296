/**
 * The life of a review on Bitbucket Cloud, end to end through `loom serve`: the shared scenarios
 * (`review_life_e2e.ts`) over the fake Bitbucket, whose commit graph answers Loom's merge-base
 * and two-dot diff calls, so that every push is a commit of its own. Bitbucket's deliveries name
 * commits by 12 characters; its API takes those abbreviations as it takes full hashes.
 */
import assert from "node:assert/strict";
import {
  bitbucketWebhook,
  type FakeComment,
  startFakeBitbucket,
} from "../fakes/bitbucket/server.ts";
import type { PayloadAccount } from "../fakes/bitbucket/payloads.ts";
import type { ContentAnswer, RecordedRequest } from "../fakes/llm/server.ts";
import { startLoomE2e } from "../support/e2e.ts";
import {
  lifePush,
  type LifeWorld,
  reviewLifeTests,
  seedLifeCommits,
  settle,
} from "../support/review_life_e2e.ts";
import { seedLoomConfig, USER_SEARCH_PR } from "../support/user_search_scenario.ts";

const SECRET = "bitbucket-life-webhook-secret";
const TOKEN = "bb_life_access_token_never_logged";
const REPO = "ws/app";
const PR = USER_SEARCH_PR.number;
/** Who may command Loom (write access; the payloads' default author), and who may not. */
const EMMA: PayloadAccount = {
  display_name: "Emma",
  nickname: "emmap1",
  account_id: "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
  uuid: "{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}",
};
const MALLORY: PayloadAccount = {
  display_name: "Mallory",
  nickname: "mallory",
  account_id: "557058:mallory",
  uuid: "{0badc0de-0000-4000-8000-000000000666}",
};
/** Bitbucket's build states in the port's words. */
const STATES: Record<string, string> = {
  INPROGRESS: "pending",
  SUCCESSFUL: "success",
  FAILED: "failure",
  STOPPED: "error",
};
const SUMMARY = "[loom-summary]: #";

async function startWorld(model: (req: RecordedRequest) => ContentAnswer): Promise<LifeWorld> {
  const bitbucket = await startFakeBitbucket({ token: TOKEN });
  let pr = { baseSha: "", headSha: "", diff: "" };
  const e2e = await startLoomE2e({
    platformId: "bitbucket",
    model,
    platform(llm) {
      pr = seedLifeCommits(bitbucket.commits);
      bitbucket.addPullRequest({ repo: REPO, ...USER_SEARCH_PR, ...pr });
      seedLoomConfig(bitbucket, REPO, llm.url);
      bitbucket.grant(REPO, EMMA, "write");
      return {
        LOOM_BITBUCKET_WEBHOOK_SECRET: SECRET,
        LOOM_BITBUCKET_API_URL: bitbucket.url,
        LOOM_BITBUCKET_TOKEN: TOKEN,
      };
    },
    close: () => bitbucket.close(),
  });
  const deliver = async (event: string, payload: unknown) => {
    const d = await bitbucketWebhook({ secret: SECRET, event, payload });
    await settle(e2e, await e2e.postWebhook(d));
  };
  try {
    await deliver("pullrequest:created", bitbucket.pullRequestPayload(REPO, PR));
  } catch (error) {
    await e2e.dispose();
    throw error;
  }

  const loom = () =>
    bitbucket.comments(REPO, PR).filter((c) =>
      !c.deleted && c.user.account_id === bitbucket.bot.account_id
    );
  const plain = () => loom().filter((c) => c.inline === null && c.parentId === null);
  const opensThread = (c: FakeComment) =>
    c.inline !== null && c.parentId === null && /\[loom-fp-[0-9a-f]+\]: #/.test(c.raw);
  return {
    e2e,
    async push(files, options) {
      pr = lifePush(bitbucket.commits, pr, files, options);
      bitbucket.updatePullRequest(REPO, PR, { headSha: pr.headSha, diff: pr.diff });
      await deliver("pullrequest:updated", bitbucket.pullRequestPayload(REPO, PR));
    },
    async comment(text, options = {}) {
      const user = options.writer === false ? MALLORY : EMMA;
      await deliver(
        "pullrequest:comment_created",
        bitbucket.commentPayload(REPO, PR, text, { user }),
      );
    },
    threads: () =>
      loom().filter(opensThread).map((c) => ({
        id: String(c.id),
        path: c.inline!.path,
        line: c.inline!.to ?? 0,
        resolved: !!c.resolvedBy,
        body: c.raw,
      })),
    resolveAsPerson: (id) => bitbucket.resolveAs(REPO, Number(id), EMMA),
    replyAsPerson: (id, body) => void bitbucket.replyTo(REPO, Number(id), body, EMMA),
    summaries: () => plain().filter((c) => c.raw.startsWith(SUMMARY)).map((c) => c.raw),
    replies: () => plain().filter((c) => !c.raw.startsWith(SUMMARY)).map((c) => c.raw),
    statuses: () =>
      bitbucket.statusHistory(REPO, pr.headSha).map((s) => ({
        state: STATES[s.state] ?? s.state,
        description: s.description ?? "",
      })),
    async [Symbol.asyncDispose]() {
      try {
        assert.deepEqual(bitbucket.violations, [], "nothing Bitbucket would misplace");
      } finally {
        await e2e.dispose();
      }
    },
  };
}

reviewLifeTests({ platform: "bitbucket", start: startWorld });
