/**
 * GitLab: the life of a review after its first one (issue 12), end to end through `loom serve`,
 * the fake GitLab and the fake model: pushes as commits of their own and new diff versions,
 * comments as Note Hooks, discussions resolved and answered as a member would in GitLab's UI.
 */
import { gitlabWebhook, startFakeGitlab } from "../fakes/gitlab/server.ts";
import { mergeRequestHook, mergeRequestNoteHook } from "../fakes/gitlab/payloads.ts";
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
import { seedLoomConfig, USER_SEARCH_PR } from "../support/user_search_scenario.ts";

const SECRET = "gitlab-life-webhook-secret";
const TOKEN = "glpat-life-token-never-logged";
const PROJECT = { id: 42, path: "acme/backend/app" };
const IID = USER_SEARCH_PR.number;
/** The member who comments, resolves and answers: a Developer (may command Loom). */
const WRITER = { username: "alice", id: 2 };
/** A Reporter: may comment, not command. */
const REPORTER = { username: "rita", id: 7 };
const BOT = "project_14_bot_loom";

/** GitLab's commit status words in the port's: `running` is a pending review. */
const STATE: Record<string, string> = {
  pending: "pending",
  running: "pending",
  success: "success",
  failed: "failure",
  canceled: "error",
};

const driver: LifeDriver = {
  platform: "gitlab",
  async start(model) {
    const gitlab = await startFakeGitlab({ token: TOKEN });
    let pr: LifeCommits = seedLifeCommits(gitlab.commits);
    const e2e = await startLoomE2e({
      platformId: "gitlab",
      model,
      platform(llm) {
        gitlab.addMergeRequest({
          project: PROJECT.path,
          projectId: PROJECT.id,
          iid: IID,
          title: USER_SEARCH_PR.title,
          headSha: pr.headSha,
          baseSha: pr.baseSha,
          sourceBranch: USER_SEARCH_PR.headRef,
          targetBranch: USER_SEARCH_PR.baseRef,
          diff: pr.diff,
        });
        seedLoomConfig(gitlab, PROJECT.path, llm.url);
        gitlab.addMember(PROJECT.path, WRITER, 30);
        gitlab.addMember(PROJECT.path, REPORTER, 20);
        return {
          LOOM_GITLAB_URL: gitlab.url,
          LOOM_GITLAB_TOKEN: TOKEN,
          LOOM_GITLAB_WEBHOOK_SECRET: SECRET,
        };
      },
      close: () => gitlab.close(),
    });
    const deliver = async (event: string, payload: unknown) =>
      await e2e.postWebhook(gitlabWebhook({ token: SECRET, event, payload }));
    let noteId = 700;
    const plainNotes = () =>
      gitlab.notes(PROJECT.path, IID).filter((n) => n.type === null && n.author.username === BOT);
    const isSummary = (body: string) => body.startsWith("<!-- loom:summary -->");
    // Whatever Loom posted, gitlab would accept and show where it belongs.
    const settled = async (res: Parameters<typeof settle>[1]) => {
      await settle(e2e, res);
      assert.deepEqual(gitlab.violations, []);
    };
    try {
      const opened = mergeRequestHook({
        action: "open",
        project: PROJECT,
        iid: IID,
        headSha: pr.headSha,
      });
      await settled(await deliver("Merge Request Hook", opened));
    } catch (error) {
      await e2e.dispose();
      throw error;
    }
    const world: LifeWorld = {
      e2e,
      async push(files, options) {
        const oldrev = pr.headSha;
        pr = lifePush(gitlab.commits, pr, files, options);
        gitlab.updateMergeRequest(PROJECT.path, IID, { headSha: pr.headSha, diff: pr.diff });
        const update = mergeRequestHook({
          action: "update",
          project: PROJECT,
          iid: IID,
          headSha: pr.headSha,
          oldrev,
        });
        await settled(await deliver("Merge Request Hook", update));
      },
      async comment(text, options) {
        const by = options?.writer ?? true ? WRITER : REPORTER;
        const note = mergeRequestNoteHook({
          project: PROJECT,
          iid: IID,
          note: text,
          noteId: noteId++,
          username: by.username,
          userId: by.id,
        });
        await settled(await deliver("Note Hook", note));
      },
      threads: () =>
        gitlab.discussions(PROJECT.path, IID).map((d) => ({
          id: String(d.noteIds[0]),
          path: d.position.new_path,
          line: d.position.new_line,
          resolved: d.resolvedBy !== null,
          body: d.body,
        })),
      resolveAsPerson: (id) => gitlab.resolveDiscussionAs(PROJECT.path, Number(id)),
      replyAsPerson: (id, body) => {
        gitlab.replyInDiscussion(PROJECT.path, Number(id), body);
      },
      summaries: () => plainNotes().filter((n) => isSummary(n.body)).map((n) => n.body),
      replies: () => plainNotes().filter((n) => !isSummary(n.body)).map((n) => n.body),
      statuses: () =>
        gitlab.statuses(PROJECT.path, pr.headSha).map((s) => ({
          state: STATE[s.status] ?? s.status,
          description: s.description ?? "",
        })),
      [Symbol.asyncDispose]: () => e2e.dispose(),
    };
    return world;
  },
};

reviewLifeTests(driver);
