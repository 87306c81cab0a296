/**
 * GitHub: the life of a review after its first one (issue 12), end to end through `loom serve`,
 * the fake GitHub and the fake model: pushes as commits of their own, comments as `issue_comment`
 * deliveries, threads resolved and answered as a person would in GitHub's UI.
 */
import { githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
import { pullRequestComment, pullRequestEvent } from "../fakes/github/payloads.ts";
import assert from "node:assert/strict";
import { startLoomE2e } from "../support/e2e.ts";
import {
  type LifeCommits,
  type LifeDriver,
  lifePush,
  type LifeWorld,
  reviewLifeTests,
  seedLifeCommits,
  settle,
} from "../support/review_life_e2e.ts";
import { seedUserSearch } from "../support/user_search_scenario.ts";

const SECRET = "webhook-secret-for-life-tests";
const TOKEN = "ghp_life_token_never_logged";
const REPO = "octo/app";
const BOT = "loom[bot]";
/** The person who resolves and answers threads: a collaborator with write access. */
const PERSON = "octocat";
/** A commenter with no access but reading (the fake's repositories are public). */
const DRIVE_BY = { login: "drive-by", type: "User" };

const driver: LifeDriver = {
  platform: "github",
  async start(model) {
    const github = await startFakeGithub({ token: TOKEN });
    let pr: LifeCommits = seedLifeCommits(github.commits);
    const e2e = await startLoomE2e({
      platformId: "github",
      model,
      platform(llm) {
        github.addRepo(REPO);
        seedUserSearch(github, {
          repo: REPO,
          headSha: pr.headSha,
          baseSha: pr.baseSha,
          diff: pr.diff,
        }, llm.url);
        github.grant(REPO, PERSON, "write");
        return {
          LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
          LOOM_GITHUB_API_URL: github.url,
          LOOM_GITHUB_TOKEN: TOKEN,
        };
      },
      close: () => github.close(),
    });
    const deliver = async (event: string, payload: unknown) =>
      await e2e.postWebhook(await githubWebhook({ secret: SECRET, event, payload }));
    const pullRequest = (action: string) =>
      pullRequestEvent({ action, repo: REPO, pr: 1, headSha: pr.headSha });
    const loomComments = () => github.comments(REPO, 1).filter((c) => c.user.login === BOT);
    // Whatever Loom posted, github would accept and show where it belongs.
    const settled = async (res: Parameters<typeof settle>[1]) => {
      await settle(e2e, res);
      assert.deepEqual(github.violations, []);
    };
    try {
      await settled(await deliver("pull_request", pullRequest("opened")));
    } catch (error) {
      await e2e.dispose();
      throw error;
    }
    const world: LifeWorld = {
      e2e,
      async push(files, options) {
        pr = lifePush(github.commits, pr, files, options);
        github.updatePullRequest(REPO, 1, { headSha: pr.headSha, diff: pr.diff });
        await settled(await deliver("pull_request", pullRequest("synchronize")));
      },
      async comment(text, options) {
        const writer = options?.writer ?? true;
        const payload = pullRequestComment({
          repo: REPO,
          pr: 1,
          body: text,
          ...(writer ? {} : { user: DRIVE_BY, association: "NONE" }),
        });
        await settled(await deliver("issue_comment", payload));
      },
      threads: () =>
        github.reviewComments(REPO, 1)
          .filter((c) => c.user.login === BOT && c.inReplyTo === null && !c.pending)
          .map((c) => ({
            id: String(c.id),
            path: c.path,
            line: c.line,
            resolved: github.thread(REPO, c.id).resolved,
            body: c.body,
          })),
      resolveAsPerson: (id) => github.resolveThreadAs(REPO, Number(id), PERSON),
      replyAsPerson: (id, body) => {
        github.replyTo(REPO, Number(id), body, { login: PERSON, type: "User" });
      },
      summaries: () =>
        loomComments().filter((c) => c.body.startsWith("<!-- loom:summary -->")).map((c) => c.body),
      replies: () =>
        loomComments().filter((c) => !c.body.startsWith("<!-- loom:summary -->")).map((c) =>
          c.body
        ),
      statuses: () =>
        github.statuses(REPO, pr.headSha).map((s) => ({
          state: s.state,
          description: s.description ?? "",
        })),
      [Symbol.asyncDispose]: () => e2e.dispose(),
    };
    return world;
  },
};

reviewLifeTests(driver);
