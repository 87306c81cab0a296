/**
 * Cost accounting and budgets end to end: a real `loom serve` against the fake GitHub and the
 * fake model, with `LOOM_LLM_PRICES` and budgets set as an operator would.
 */
import assert from "node:assert/strict";
import { type FakeGithub, githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
import { pullRequestEvent } from "../fakes/github/payloads.ts";
import { type LoomE2e, startLoomE2e } from "../support/e2e.ts";
import {
  reviewCalls,
  reviewer,
  seedUserSearch,
  USER_SEARCH_PR,
  userSearchDiff,
} from "../support/user_search_scenario.ts";

const SECRET = "webhook-secret-for-tests";
const TOKEN = "ghp_test_token_never_logged";
const REPO = "octo/app";
// $1 per million prompt tokens, $0.50 cached, $2 per million completion tokens.
const PRICES = JSON.stringify({ "fake-model": { input: 1, cached_input: 0.5, output: 2 } });

interface World extends LoomE2e {
  github: FakeGithub;
}

async function world(env: Record<string, string>): Promise<World> {
  const github = await startFakeGithub({ token: TOKEN });
  const e2e = await startLoomE2e({
    platformId: "github",
    model: reviewer(),
    async platform(llm) {
      github.addRepo(REPO, { installationId: 4242 });
      const diff = await userSearchDiff();
      seedUserSearch(github, { repo: REPO, headSha: "a".repeat(40), diff }, llm.url);
      github.addPullRequest({
        ...USER_SEARCH_PR,
        repo: REPO,
        number: 2,
        headSha: "b".repeat(40),
        diff,
      });
      return {
        LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
        LOOM_GITHUB_API_URL: github.url,
        LOOM_GITHUB_TOKEN: TOKEN,
        LOOM_LLM_PRICES: PRICES,
        ...env,
      };
    },
    close: () => github.close(),
  });
  return { ...e2e, github };
}

async function open(w: World, pr: number, headSha: string): Promise<void> {
  const payload = pullRequestEvent({ action: "opened", repo: REPO, pr, headSha });
  const res = await w.postWebhook(
    await githubWebhook({ secret: SECRET, event: "pull_request", payload }),
  );
  assert.equal(res.status, 202);
}

function summaryOf(w: World, pr: number): string {
  const comments = w.github.comments(REPO, pr);
  assert.equal(comments.length, 1, `one summary on #${pr}`);
  return comments[0].body;
}

Deno.test("cost: a priced review's summary shows its cost line, and /api/usage and /metrics count it", async () => {
  await using w = await world({});
  await open(w, 1, "a".repeat(40));
  await w.reviewsDone(1);
  const summary = summaryOf(w, 1);
  const line = summary.match(/^Cost: ([\d,]+) tokens, \$([\d.]+)$/m);
  assert.ok(line, summary);
  const tokens = Number(line[1].replaceAll(",", ""));
  assert.ok(tokens > 0);

  const byModel = await w.api("/usage?group_by=model&since=2000-01-01");
  assert.equal(byModel.groups.length, 1);
  const [model] = byModel.groups;
  assert.equal(model.model, "fake-model");
  // Two review calls and the security pipeline's second look.
  assert.equal(model.calls, 3);
  assert.equal(model.tokens.prompt + model.tokens.completion, tokens);
  assert.equal(model.unpriced_calls, 0);
  const usd = (model.tokens.prompt - model.tokens.cached) * 1e-6 + model.tokens.cached * 0.5e-6 +
    model.tokens.completion * 2e-6;
  assert.ok(Math.abs(model.cost_usd - usd) < 1e-8, `${model.cost_usd} vs ${usd}`);
  assert.equal(line[2], model.cost_usd.toFixed(4));

  // The review lists what each pipeline's requests cost.
  const { reviews } = await w.api("/reviews");
  const review = await w.api(`/reviews/${reviews[0].id}`);
  assert.deepEqual(
    review.usage.map((u: { pipeline: string; kind: string }) => [u.pipeline, u.kind]),
    [["quality", "review"], ["security", "review"], ["security", "verify"]],
  );
  assert.ok(Math.abs(review.cost_usd - model.cost_usd) < 1e-8);

  const byRepo = await w.api("/usage?group_by=repository&since=2000-01-01T00:00:00Z");
  assert.deepEqual(byRepo.groups.map((g: { repository: string }) => g.repository), [REPO]);
  const byDay = await w.api("/usage?group_by=day");
  assert.equal(byDay.groups[0].day, new Date().toISOString().slice(0, 10));

  const metrics = await (await fetch(`${w.url}/metrics`)).text();
  assert.match(
    metrics,
    new RegExp(
      `loom_llm_tokens_total\\{model="fake-model",kind="prompt"\\} ${model.tokens.prompt}`,
    ),
  );
  assert.match(metrics, /loom_llm_cost_usd_total\{model="fake-model"\} 0\.\d+/);
});

Deno.test("cost: /api/usage refuses a bad group_by, a bad since and no admin token, with clear answers", async () => {
  await using w = await world({});
  const get = (q: string, token = "admin-token-for-the-tests-0123") =>
    fetch(`${w.url}/api/usage${q}`, { headers: { Authorization: `Bearer ${token}` } });
  const bad = await get("?group_by=pipeline");
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(await bad.json()), /group_by.*must be repository, model or day/);
  const since = await get("?group_by=day&since=yesterday");
  assert.equal(since.status, 400);
  assert.match(JSON.stringify(await since.json()), /since/);
  const extra = await get("?group_by=day&limit=100000");
  assert.equal(extra.status, 400);
  await extra.body?.cancel();
  const anonymous = await get("?group_by=day", "wrong-token-wrong-token-wrong");
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
});

Deno.test("budget: a repository over its daily budget gets a 'skipped: budget' summary and the model is not called", async () => {
  // Any priced review spends more than a millionth of a dollar.
  await using w = await world({
    LOOM_BUDGETS: JSON.stringify({ [REPO]: { daily_usd: 0.000001 } }),
  });
  await open(w, 1, "a".repeat(40));
  await w.reviewsDone(1);
  assert.match(summaryOf(w, 1), /^Cost: /m);
  const asked = reviewCalls(w.llm.chats()).length;
  assert.equal(asked, 2);

  await open(w, 2, "b".repeat(40));
  await w.reviewsDone(2);
  const summary = summaryOf(w, 2);
  assert.match(
    summary,
    /\*\*Review skipped:\*\* budget: octo\/app's daily budget of \$0\.0000 is spent \(\$0\.\d+ today, UTC\)/,
  );
  assert.equal(reviewCalls(w.llm.chats()).length, asked, "no model call past the budget");
  const statuses = w.github.statuses(REPO, "b".repeat(40));
  assert.equal(statuses.at(-1)?.state, "success");
  assert.match(statuses.at(-1)?.description ?? "", /review skipped/);
  const { reviews } = await w.api("/reviews");
  assert.equal(reviews.find((r: { pr: number }) => r.pr === 2).status, "skipped");
  assert.match(w.loom.log(), /"msg":"budget 100% spent".*"budget":"octo\/app"/);
  const metrics = await (await fetch(`${w.url}/metrics`)).text();
  assert.match(metrics, /loom_budget_used_ratio\{budget="octo\/app"\} \d+/);
});

Deno.test("budget: past the server's budget with budget_fallback_model set, the review runs on that model", async () => {
  await using w = await world({
    LOOM_BUDGET_DAILY_USD: "0.000001",
    LOOM_BUDGET_FALLBACK_MODEL: "cheap-model",
  });
  await open(w, 1, "a".repeat(40));
  await w.reviewsDone(1);
  const first = w.llm.chats().length;
  assert.ok(w.llm.chats().every((c) => c.body?.model === "fake-model"));

  await open(w, 2, "b".repeat(40));
  await w.reviewsDone(2);
  const later = w.llm.chats().slice(first).filter((c) => c.path === "/v1/chat/completions");
  assert.ok(later.length >= 2, "the review asked the model");
  assert.ok(later.every((c) => c.body?.model === "cheap-model"), "every call on the fallback");
  const summary = summaryOf(w, 2);
  assert.match(
    summary,
    /^💸 This server's daily budget of \$0\.0000 is spent .*cheap-model, the server's budget fallback model\./m,
  );
  // cheap-model has no price: tokens only.
  assert.match(summary, /^Cost: [\d,]+ tokens$/m);
  const byModel = await w.api("/usage?group_by=model&since=2000-01-01");
  const cheap = byModel.groups.find((g: { model: string }) => g.model === "cheap-model");
  assert.equal(cheap.cost_usd, null);
  assert.ok(cheap.calls >= 2);
});
