/**
 * Secrets in URLs, end to end: a gateway key carried in `LOOM_LLM_BASE_URL`'s query string or
 * user info never reaches the pull request, the start-up log or the admin API.
 */
import assert from "node:assert/strict";
import { pullRequestEvent } from "../fakes/github/payloads.ts";
import { githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
import { startLoomE2e } from "../support/e2e.ts";
import { reviewer, USER_SEARCH_PR, userSearchDiff } from "../support/user_search_scenario.ts";

const SECRET = "webhook-secret-for-tests";
const REPO = "octo/app";
const QUERY_KEY = "gw-query-key-never-shown";
const USER_KEY = "gw-user-key-never-shown";

Deno.test("secrets in urls: a key in LOOM_LLM_BASE_URL's query string or user info is never shown in the summary, the start-up log or /api/reviews", async () => {
  const github = await startFakeGithub({ token: "ghp_t0ken" });
  const headSha = "b".repeat(40);
  await using w = await startLoomE2e({
    platformId: "github",
    model: reviewer(),
    async platform(llm) {
      // No .loom/config.yaml: the review runs with the server's own model and base URL.
      github.addPullRequest({
        repo: REPO,
        headSha,
        diff: await userSearchDiff(),
        ...USER_SEARCH_PR,
      });
      const url = new URL(llm.url);
      url.username = USER_KEY;
      url.searchParams.set("api-key", QUERY_KEY);
      return {
        LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
        LOOM_GITHUB_API_URL: github.url,
        LOOM_GITHUB_TOKEN: "ghp_t0ken",
        LOOM_LLM_BASE_URL: url.href,
      };
    },
    close: () => github.close(),
  });
  const payload = pullRequestEvent({ action: "opened", repo: REPO, pr: 1, headSha });
  const delivery = await githubWebhook({ secret: SECRET, event: "pull_request", payload });
  assert.equal((await w.postWebhook(delivery)).status, 202);
  await w.reviewsDone(1);

  const comments = github.comments(REPO, 1);
  assert.equal(comments.length, 1, "the summary was posted");
  const { reviews } = await w.api("/reviews");
  const detail = await w.api(`/reviews/${reviews[0].id}`);
  const jobs = await w.api("/jobs?limit=50");
  const shown = {
    summary: comments.map((c) => c.body).join("\n"),
    "start-up log": w.loom.log().split("\n").find((l) => l.includes('"settings"')) ?? "",
    log: w.loom.log(),
    "/api/reviews": JSON.stringify([reviews, detail, jobs]),
  };
  assert.notEqual(shown["start-up log"], "", "the start-up line logs the settings");
  for (const [where, text] of Object.entries(shown)) {
    for (const secret of [QUERY_KEY, USER_KEY]) {
      assert.ok(!text.includes(secret), `${where} shows no ${secret}:\n${text.slice(0, 3000)}`);
    }
  }
  w.assertNoSecretLogged(QUERY_KEY, USER_KEY);
});
