import assert from "node:assert/strict";
import { createMetrics } from "./metrics.ts";

Deno.test("model usage metrics: tokens by kind, cost only when priced, budgets' ratio", async () => {
  const metrics = createMetrics(() => Promise.resolve([]));
  const usage = { promptTokens: 1000, cachedTokens: 400, completionTokens: 50, calls: 1 };
  metrics.observeLlmUsage("gpt-4o-mini", usage, 0.25);
  metrics.observeLlmUsage("gpt-4o-mini", usage, 0.25);
  metrics.observeLlmUsage("llama3", { ...usage, cachedTokens: undefined }, null);
  metrics.setBudgetRatio("server", 0.8);
  const text = await metrics.render();
  assert.match(text, /loom_llm_tokens_total\{model="gpt-4o-mini",kind="prompt"\} 2000/);
  assert.match(text, /loom_llm_tokens_total\{model="gpt-4o-mini",kind="cached"\} 800/);
  assert.match(text, /loom_llm_tokens_total\{model="gpt-4o-mini",kind="completion"\} 100/);
  assert.match(text, /loom_llm_cost_usd_total\{model="gpt-4o-mini"\} 0\.5/);
  assert.match(text, /loom_llm_tokens_total\{model="llama3",kind="prompt"\} 1000/);
  assert.doesNotMatch(text, /loom_llm_cost_usd_total\{model="llama3"\}/);
  assert.match(text, /loom_budget_used_ratio\{budget="server"\} 0\.8/);
});

Deno.test("series flood: model ids past the hundredth are counted as other", async () => {
  const metrics = createMetrics(() => Promise.resolve([]));
  const usage = { promptTokens: 1, completionTokens: 1, calls: 1 };
  for (let i = 0; i < 150; i++) metrics.observeLlmUsage(`model-${i}`, usage, null);
  const text = await metrics.render();
  const models = new Set(
    [...text.matchAll(/loom_llm_tokens_total\{model="([^"]+)"/g)].map((m) => m[1]),
  );
  assert.equal(models.size, 101);
  assert.match(text, /loom_llm_tokens_total\{model="other",kind="prompt"\} 50/);
});
