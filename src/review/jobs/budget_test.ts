import assert from "node:assert/strict";
import { sqliteStore, withStores } from "../../../tests/stores.ts";
import { createLogger } from "../../log.ts";
import { RepoConfigSchema } from "../../repo_config/mod.ts";
import { type BudgetAlerts, onFallbackModel, spentBudget } from "./budget.ts";
import type { ReviewJobDeps } from "./deps.ts";

const NOON = Date.UTC(2026, 11, 2, 12);
const spend = (usd: number, at = NOON - 1000) => ({
  reviewId: 1,
  platform: "github",
  repository: "octo/app",
  pipeline: "security",
  endpoint: "default",
  model: "m",
  kind: "review" as const,
  calls: 1,
  promptTokens: 10,
  cachedTokens: 0,
  completionTokens: 1,
  costUsd: usd,
  at,
});

Deno.test("budget alerts: 80% and 100% are each logged once a UTC day, the ratio set each check", async () => {
  await withStores(sqliteStore, async ({ reviews }) => {
    const lines: string[] = [];
    const ratios: [string, number][] = [];
    const deps = {
      store: reviews,
      log: createLogger("info", (l) => lines.push(l)),
      cost: {
        prices: {},
        budgetDailyUsd: 10,
        budgets: { "octo/app": { dailyUsd: 100 } },
        meter: {
          observeLlmUsage() {},
          setBudgetRatio: (b: string, r: number) => void ratios.push([b, r]),
        },
      },
    } as unknown as ReviewJobDeps;
    const alerts: BudgetAlerts = new Map();
    // Yesterday's spend is not today's.
    await reviews.recordLlmUsage([spend(50, NOON - 86_400_000)]);
    assert.equal(await spentBudget(deps, "octo/app", NOON, alerts), null);
    assert.equal(lines.length, 0);

    await reviews.recordLlmUsage([spend(8.5)]);
    assert.equal(await spentBudget(deps, "octo/app", NOON, alerts), null);
    assert.equal(await spentBudget(deps, "octo/app", NOON + 1, alerts), null);
    assert.equal(lines.filter((l) => l.includes('"budget 80% spent"')).length, 1);
    assert.deepEqual(ratios.slice(2, 4), [["server", 0.85], ["octo/app", 0.085]]);

    await reviews.recordLlmUsage([spend(2)]);
    const reached = await spentBudget(deps, "octo/app", NOON + 2, alerts);
    assert.deepEqual(reached, { budget: "server", limitUsd: 10, spentUsd: 10.5 });
    await spentBudget(deps, "octo/app", NOON + 3, alerts);
    assert.equal(lines.filter((l) => l.includes('"budget 100% spent"')).length, 1);
    assert.match(lines.at(-1)!, /"budget":"server".*"action":"skip"/);
    // Another repository has no budget of its own; the server's still counts.
    assert.equal((await spentBudget(deps, "octo/lib", NOON + 4, alerts))?.budget, "server");
  });
});

Deno.test("budget fallback: every model of the config moves to the server's endpoint and model", () => {
  const config = RepoConfigSchema.parse({
    models: {
      default: { base_url: "http://big.test/v1", model: "big-1", api_key_env: "BIG_KEY" },
      check: { base_url: "http://other.test/v1", model: "small-1" },
    },
    pipelines: [{ name: "security", prompt_file: "builtin:security", verify_model: "check" }],
  });
  const moved = onFallbackModel(
    config,
    { baseUrl: "http://loom-llm.test/v1", apiKey: "k" },
    "cheap",
  );
  for (const m of Object.values(moved.models)) {
    assert.equal(m.base_url, "http://loom-llm.test/v1");
    assert.equal(m.model, "cheap");
    assert.equal(m.api_key_env, "LOOM_LLM_API_KEY");
  }
  assert.equal(config.models.default.model, "big-1", "the config itself is left as it was");
});
