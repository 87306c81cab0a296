/**
 * Budgets: before a review runs its pipelines, whether today's spend (UTC) has reached the
 * server's daily budget or the repository's; the review is then skipped, or run on the server's
 * `budget_fallback_model`. Budgets are the operator's: read from the server's settings only.
 * @module
 */
import { usdText } from "../../llm/mod.ts";
import type { RepoConfig } from "../../repo_config/mod.ts";
import { SERVER_KEY_ENV } from "../../repo_config/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** A budget that today's spend has reached. */
export interface SpentBudget {
  /** `server`, or the repository's name. */
  budget: string;
  limitUsd: number;
  spentUsd: number;
}

/** Remembers which alerts (80%, 100%) each budget raised today, so each is logged once a day. */
export type BudgetAlerts = Map<string, string>;

/**
 * Checks the server's budget and `repository`'s against today's spend, sets their metric,
 * logs each budget crossing 80% and 100% once a UTC day (per process), and returns the first
 * budget reached, or null.
 */
export async function spentBudget(
  deps: ReviewJobDeps,
  repository: string,
  now: number,
  alerts: BudgetAlerts,
): Promise<SpentBudget | null> {
  const cost = deps.cost;
  if (!cost) return null;
  const day = new Date(now).toISOString().slice(0, 10);
  const dayStart = Date.parse(day);
  const budgets: { budget: string; limitUsd: number; repository?: string }[] = [];
  if (cost.budgetDailyUsd !== undefined) {
    budgets.push({ budget: "server", limitUsd: cost.budgetDailyUsd });
  }
  const own = cost.budgets && Object.hasOwn(cost.budgets, repository)
    ? cost.budgets[repository]
    : undefined;
  if (own) budgets.push({ budget: repository, limitUsd: own.dailyUsd, repository });
  let reached: SpentBudget | null = null;
  for (const b of budgets) {
    const spentUsd = await deps.store.spendSince(dayStart, b.repository);
    const ratio = b.limitUsd > 0 ? spentUsd / b.limitUsd : (spentUsd > 0 ? 1 : 0);
    cost.meter?.setBudgetRatio(b.budget, ratio);
    const level = ratio >= 1 ? "100%" : ratio >= 0.8 ? "80%" : null;
    const key = `${b.budget}\n${level}`;
    if (level && alerts.get(key) !== day) {
      alerts.set(key, day);
      deps.log.warn(`budget ${level} spent`, {
        budget: b.budget,
        limit_usd: b.limitUsd,
        spent_usd: spentUsd,
        day,
        action: ratio < 1 ? "none yet" : cost.budgetFallbackModel ? "fallback model" : "skip",
      });
    }
    if (!reached && spentUsd >= b.limitUsd) {
      reached = { budget: b.budget, limitUsd: b.limitUsd, spentUsd };
    }
  }
  return reached;
}

/** Why a review past `spent` was skipped, for its summary and status. */
export function budgetSkipReason(spent: SpentBudget): string {
  return `budget: ${describe(spent)}; reviews resume at 00:00 UTC or when the operator ` +
    "raises the budget";
}

/** The line a review run on the fallback model carries in its summary. */
export function budgetFallbackNote(spent: SpentBudget, model: string): string {
  const whose = describe(spent);
  return `${whose[0].toUpperCase()}${whose.slice(1)}, so this review ran on ${model}, the ` +
    "server's budget fallback model.";
}

function describe(s: SpentBudget): string {
  const whose = s.budget === "server" ? "this server's" : `${s.budget}'s`;
  return `${whose} daily budget of ${usdText(s.limitUsd)} is spent (${
    usdText(s.spentUsd)
  } today, UTC)`;
}

/**
 * `config` with every model moved to the server's endpoint and `model`: each pipeline, fallback
 * and second look then runs on the operator's fallback, with the server's own key.
 */
export function onFallbackModel(
  config: RepoConfig,
  server: { baseUrl: string; apiKey?: string },
  model: string,
): RepoConfig {
  const models = Object.fromEntries(
    Object.entries(config.models).map(([name, m]) => [name, {
      ...m,
      base_url: server.baseUrl,
      model,
      api_key_env: server.apiKey ? SERVER_KEY_ENV : undefined,
    }]),
  );
  return { ...config, models };
}
