/**
 * Where what model calls spend, and how much of each budget is used, are counted: the HTTP
 * thread's Prometheus metrics. A job thread's meter posts both to the HTTP thread, which serves
 * `/metrics`, so the figures are the process's wherever its jobs run.
 * @module
 */
import type { Usage } from "./usage.ts";

/** Counts spend and budgets' use; see the module doc. */
export interface SpendMeter {
  /** One call's (or run's) usage on `model`, and its cost; null when the model has no price. */
  observeLlmUsage(model: string, usage: Usage, costUsd: number | null): void;
  /** The share (0…) of `budget` spent today. */
  setBudgetRatio(budget: string, ratio: number): void;
}
