/**
 * The life of a review on Gitea and Forgejo, end to end through `loom serve`: the shared
 * scenarios (`review_life_e2e.ts`) over the fake Gitea, whose commit graph makes every push a
 * commit of its own. Gitea (1.24+) resolves a fixed finding's conversation through the API;
 * Forgejo has no such route, so there Loom replies in the conversation instead, which the
 * Forgejo test checks.
 */
import assert from "node:assert/strict";
import { giteaWebhook, startFakeGitea } from "../fakes/gitea/server.ts";
import { giteaCommentPayload, giteaPullRequestPayload } from "../fakes/gitea/payloads.ts";
import type { ContentAnswer, RecordedRequest } from "../fakes/llm/server.ts";
import { startLoomE2e } from "../support/e2e.ts";
import {
  LIFE_FINDINGS,
  type LifeDriver,
  lifeModel,
  lifePush,
  type LifeWorld,
  reviewLifeTests,
  seedLifeCommits,
  settle,
  USERS_JS_FIXED,
} from "../support/review_life_e2e.ts";
import { seedLoomConfig, USER_SEARCH_PR } from "../support/user_search_scenario.ts";

const SECRET = "gitea-life-webhook-secret";
const TOKEN = "gitea_life_token_never_logged_0123";
const REPO = "octo/app";
const PR = USER_SEARCH_PR.number;
const BOT = "loom-bot";
/** Who may command Loom (write access), and who may not (the fake lets anyone else read). */
const WRITER = "alice";
const READER = "mallory";
const SUMMARY = "<!-- loom:summary -->";
const FINGERPRINT = "<!-- loom:fp:";

/** A Gitea world, with what the Forgejo test reads besides: each conversation's replies. */
interface GiteaLifeWorld extends LifeWorld {
  /**
   * The code comments after Loom's comment `id` in its conversation (on its line), but Loom's
   * other inline comments there: people's replies and Loom's notes.
   */
  conversation(id: string): { user: string; body: string }[];
}

async function startWorld(
  flavor: "gitea" | "forgejo",
  model: (req: RecordedRequest) => ContentAnswer,
): Promise<GiteaLifeWorld> {
  const gitea = await startFakeGitea({ token: TOKEN, flavor });
  let pr = { baseSha: "", headSha: "", diff: "" };
  const e2e = await startLoomE2e({
    platformId: "gitea",
    model,
    platform(llm) {
      pr = seedLifeCommits(gitea.commits);
      gitea.addPullRequest({ repo: REPO, ...USER_SEARCH_PR, ...pr });
      seedLoomConfig(gitea, REPO, llm.url);
      gitea.grant(REPO, WRITER, "write");
      return {
        LOOM_GITEA_WEBHOOK_SECRET: SECRET,
        LOOM_GITEA_URL: gitea.url,
        LOOM_GITEA_TOKEN: TOKEN,
      };
    },
    close: () => gitea.close(),
  });
  const deliver = async (eventType: string, payload: unknown) => {
    const d = await giteaWebhook({ secret: SECRET, eventType, payload, flavor });
    await settle(e2e, await e2e.postWebhook(d));
  };
  const pullRequest = (action: string) =>
    giteaPullRequestPayload({ action, repo: REPO, pr: PR, headSha: pr.headSha });
  try {
    await deliver("pull_request", pullRequest("opened"));
  } catch (error) {
    await e2e.dispose();
    throw error;
  }

  const codeComments = () => gitea.reviewComments(REPO, PR);
  const mine = (user: string) => user === BOT;
  const conversation = (id: string) => {
    const first = codeComments().find((c) => String(c.id) === id);
    if (!first) throw new Error(`no code comment ${id}`);
    return codeComments().filter((c) =>
      c.id > first.id && c.path === first.path && c.newLine === first.newLine &&
      c.oldLine === first.oldLine && !c.body.includes(FINGERPRINT)
    ).map((c) => ({ user: c.user, body: c.body }));
  };
  const plain = () => gitea.comments(REPO, PR).filter((c) => mine(c.user));
  return {
    e2e,
    async push(files, options) {
      pr = lifePush(gitea.commits, pr, files, options);
      gitea.updatePullRequest(REPO, PR, { headSha: pr.headSha, diff: pr.diff });
      await deliver("pull_request_sync", pullRequest("synchronized"));
    },
    async comment(text, options = {}) {
      const user = options.writer === false ? READER : WRITER;
      await deliver(
        "pull_request_comment",
        giteaCommentPayload({ repo: REPO, pr: PR, body: text, user }),
      );
    },
    threads: () =>
      // Loom's notes in a conversation (Forgejo) carry no fingerprint: not threads of their own.
      codeComments().filter((c) => mine(c.user) && c.body.includes(FINGERPRINT)).map((c) => ({
        id: String(c.id),
        path: c.path,
        line: c.newLine,
        resolved: gitea.resolver(REPO, c.id) !== null,
        body: c.body,
      })),
    resolveAsPerson: (id) => gitea.resolveAs(REPO, Number(id), WRITER),
    replyAsPerson: (id, body) => void gitea.replyTo(REPO, Number(id), body, WRITER),
    summaries: () => plain().filter((c) => c.body.startsWith(SUMMARY)).map((c) => c.body),
    replies: () => plain().filter((c) => !c.body.startsWith(SUMMARY)).map((c) => c.body),
    statuses: () =>
      gitea.statuses(REPO, pr.headSha).map((s) => ({ state: s.state, description: s.description })),
    conversation,
    async [Symbol.asyncDispose]() {
      try {
        // A review left pending would show its comments to Loom alone.
        const pending = gitea.reviews(REPO, PR).filter((r) => r.state === "PENDING");
        assert.deepEqual(pending, [], "every review Loom posted is submitted");
      } finally {
        await e2e.dispose();
      }
    },
  };
}

const gitea: LifeDriver = { platform: "gitea", start: (model) => startWorld("gitea", model) };
reviewLifeTests(gitea);

Deno.test("forgejo: review life: a push that fixes a finding is noted in its conversation, once", async () => {
  await using w = await startWorld("forgejo", lifeModel);
  const find = (path: string) => w.threads().filter((t) => t.path === path);
  const [sql] = find(LIFE_FINDINGS.sql.path);
  const [readme] = find(LIFE_FINDINGS.readme.path);
  assert.deepEqual([sql?.line, readme?.line], [LIFE_FINDINGS.sql.line, LIFE_FINDINGS.readme.line]);

  await w.push({ "src/users.js": USERS_JS_FIXED });
  // Forgejo cannot resolve through its API: Loom says so in the conversation, as itself.
  const notes = w.conversation(sql.id);
  assert.equal(notes.length, 1, JSON.stringify(notes));
  assert.equal(notes[0].user, BOT);
  assert.match(notes[0].body, /^<!-- loom:reply -->/);
  assert.match(notes[0].body, /fixed/i);
  assert.deepEqual(w.conversation(readme.id), [], "the untouched finding: nothing said");
  assert.equal(w.threads().length, 2, "no inline comment twice");
  assert.ok(w.threads().every((t) => !t.resolved), "Forgejo shows them open");
  assert.equal(w.summaries().length, 1);

  // Another push: the note is not said twice.
  await w.push({ "docs/search.md": "Names match exactly.\n" });
  assert.equal(w.conversation(sql.id).length, 1, "said once");
  assert.equal(w.threads().length, 2);
  assert.equal(w.summaries().length, 1);

  // A person answers "won't fix" on the other: a full review leaves it quiet, Loom's own note
  // read as no one's verdict.
  w.replyAsPerson(readme.id, "Won't fix: the README says enough.");
  await w.comment("/loom full-review");
  const summary = w.summaries()[0];
  assert.match(summary, /Full review/);
  // Reported again, yet not listed as a finding: named once, as dismissed by the person.
  assert.match(summary, /No findings\./);
  assert.match(summary, /dismissed by .*`README\.md:3`.*Document the search/);
  assert.equal(w.statuses().at(-1)?.state, "success", "nothing holds the merge");
  assert.deepEqual(
    w.threads().map((t) => [t.id, t.body]).sort(),
    [[sql.id, sql.body], [readme.id, readme.body]].sort(),
    "nothing posted again, nothing edited",
  );
  assert.deepEqual(w.conversation(readme.id).map((c) => c.user), [WRITER], "nothing said to it");
  assert.equal(w.conversation(sql.id).length, 1);
  assert.deepEqual(w.replies(), []);
});
