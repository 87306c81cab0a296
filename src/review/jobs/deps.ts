/**
 * What the review jobs need, handed in so tests run them against fakes.
 * @module
 */
import type { GitAdapter } from "../../platform/mod.ts";
import type { EndpointLimiter, PriceList, SpendMeter } from "../../llm/mod.ts";
import type { Logger } from "../../log.ts";
import type { Queue } from "../../queue/mod.ts";
import type { ConfigPolicy, ServerCaps } from "../../repo_config/mod.ts";
import type { ReviewStore } from "../../store/mod.ts";

/** See the module doc. */
export interface ReviewJobDeps {
  store: ReviewStore;
  queue: Queue;
  adapters: Record<string, GitAdapter>;
  /** The server's default model, used when a repository has no config. */
  llm: { baseUrl: string; model: string; apiKey?: string; maxResponseBytes?: number };
  policy: ConfigPolicy;
  /**
   * The operator's caps on a repository's config (`LOOM_MAX_*`); a config above one is clamped
   * and its summary says so. Absent: no caps (local runs).
   */
  caps?: ServerCaps;
  /** Where `api_key_env` is looked up: the server's environment. */
  env: Record<string, string | undefined>;
  log: Logger;
  /**
   * Who may command Loom: `writers` (write access to the repository, the default when absent)
   * or `anyone`.
   */
  commandsFrom?: "writers" | "anyone";
  /**
   * Turns at each model server (`max_concurrency`, `LOOM_LLM_MAX_CONCURRENCY`): one limiter for
   * every job of the process, so ten reviews at once do not send one Ollama forty calls.
   */
  limiter?: EndpointLimiter;
  /** Prices and budgets (server settings only); absent: tokens are kept unpriced, no budgets. */
  cost?: CostDeps;
  /** For model calls; tests may pass their own. */
  fetch?: typeof fetch;
  now?: () => number;
}

/** Cost accounting and budgets, from the server's settings (never a repository's config). */
export interface CostDeps {
  /** USD per million tokens by model id (`llm.prices`). */
  prices: PriceList;
  /** The server's daily budget in USD (`budget_daily_usd`). */
  budgetDailyUsd?: number;
  /** Daily budgets by repository full name (`budgets`). */
  budgets?: Readonly<Record<string, { dailyUsd: number }>>;
  /** A model id on the server's endpoint that reviews run on past a budget. */
  budgetFallbackModel?: string;
  /** Where spend and budgets' use are counted: the Prometheus metrics. */
  meter?: SpendMeter;
}
