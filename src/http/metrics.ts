/**
 * Prometheus metrics (prom-client): HTTP traffic, jobs by state, job durations, retries and dead
 * jobs, model tokens and cost, budgets' use. Queue gauges are read from the store at scrape time, so every node reports the shared
 * queue's true state.
 * @module
 */
import client from "prom-client";
import type { JobCount } from "../queue/mod.ts";
import type { Usage } from "../llm/mod.ts";
import type { RunOutcome } from "../worker/mod.ts";

// Model ids come from repositories' configs: past this many distinct ones, the rest are counted
// as `other`, so no config can mint series without end.
const MAX_MODEL_LABELS = 100;

/** The methods labelled by name; a client may send any token as a method. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * A request's method as a label: one of {@link METHODS}, else `OTHER`, so clients cannot mint
 * series (each label set is a series kept for the life of the process).
 */
function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : "OTHER";
}

/** A status as a label: the HTTP range (100–599) by code, anything else as `other`. */
function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
}

/**
 * The metrics one Loom process exports. Every label is bounded: methods by {@link methodLabel},
 * statuses by {@link statusLabel}, routes by being the app's route patterns (the caller passes
 * `unmatched` for any path no route knows).
 */
export interface Metrics {
  registry: client.Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  observeRun(kind: string, lane: string, outcome: RunOutcome, seconds: number): void;
  /** Counts one model request's tokens (prompt, cached, completion) and its cost when priced. */
  observeLlmUsage(model: string, usage: Usage, costUsd: number | null): void;
  /** A budget's share spent today (`server` or a repository's name from the settings). */
  setBudgetRatio(budget: string, ratio: number): void;
  /** Scrape output in the Prometheus text format. */
  render(): Promise<string>;
}

/** Creates a fresh registry; `countJobs` is called on each scrape. */
export function createMetrics(countJobs: () => Promise<JobCount[]>): Metrics {
  const registry = new client.Registry();
  const counter = (name: string, help: string, labelNames: string[]) =>
    new client.Counter({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) =>
    new client.Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const requests = counter(
    "loom_http_requests_total",
    "HTTP requests by route, method and status.",
    ["method", "route", "status"],
  );
  const requestSeconds = histogram(
    "loom_http_request_duration_seconds",
    "HTTP request duration.",
    ["method", "route"],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  new client.Gauge({
    name: "loom_jobs",
    help: "Jobs in the queue by kind, lane and status (queued, running, dead).",
    labelNames: ["kind", "lane", "status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await countJobs()) {
        this.set({ kind: c.kind, lane: c.lane, status: c.status }, c.count);
      }
    },
  });
  const runs = counter(
    "loom_job_runs_total",
    "Job runs by kind, lane and outcome (succeeded, postponed, retry, dead, cancelled, " +
      "released, lost).",
    ["kind", "lane", "outcome"],
  );
  const retries = counter(
    "loom_job_retries_total",
    "Failed job runs scheduled for another attempt.",
    ["kind"],
  );
  const dead = counter(
    "loom_jobs_dead_total",
    "Jobs that ended dead (permanent error or attempts exhausted).",
    ["kind"],
  );
  const runSeconds = histogram(
    "loom_job_duration_seconds",
    "Job run duration by kind.",
    ["kind", "outcome"],
    [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300],
  );
  const tokens = counter(
    "loom_llm_tokens_total",
    "Model tokens by model id and kind (prompt, cached: the part of prompt read from the " +
      "server's cache, completion).",
    ["model", "kind"],
  );
  const cost = counter(
    "loom_llm_cost_usd_total",
    "US dollars spent on models by model id, under llm.prices (unpriced models count nothing).",
    ["model"],
  );
  const budgetRatio = new client.Gauge({
    name: "loom_budget_used_ratio",
    help: "Share of a daily budget spent today (UTC), by budget: server or a repository.",
    labelNames: ["budget"],
    registers: [registry],
  });
  const models = new Set<string>();
  const modelLabel = (model: string) => {
    if (models.has(model)) return model;
    if (models.size >= MAX_MODEL_LABELS) return "other";
    models.add(model);
    return model;
  };
  return {
    registry,
    observeLlmUsage(rawModel, usage, costUsd) {
      const model = modelLabel(rawModel);
      tokens.inc({ model, kind: "prompt" }, usage.promptTokens);
      tokens.inc({ model, kind: "cached" }, usage.cachedTokens ?? 0);
      tokens.inc({ model, kind: "completion" }, usage.completionTokens);
      if (costUsd !== null) cost.inc({ model }, costUsd);
    },
    setBudgetRatio(budget, ratio) {
      budgetRatio.set({ budget }, ratio);
    },
    observeRequest(rawMethod, route, rawStatus, seconds) {
      const method = methodLabel(rawMethod);
      const status = statusLabel(rawStatus);
      requests.inc({ method, route, status });
      requestSeconds.observe({ method, route }, seconds);
    },
    observeRun(kind, lane, outcome, seconds) {
      runs.inc({ kind, lane, outcome });
      runSeconds.observe({ kind, outcome }, seconds);
      if (outcome === "retry") retries.inc({ kind });
      if (outcome === "dead") dead.inc({ kind });
    },
    render: () => registry.metrics(),
  };
}
