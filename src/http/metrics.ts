/**
 * Prometheus metrics (prom-client): HTTP traffic, jobs by state, job durations, retries and dead
 * jobs. Queue gauges are read from the store at scrape time, so every node reports the shared
 * queue's true state.
 * @module
 */
import client from "prom-client";
import type { JobCount } from "../queue/mod.ts";
import type { RunOutcome } from "../worker/mod.ts";

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
  return {
    registry,
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
