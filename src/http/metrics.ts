/**
 * Prometheus metrics (prom-client): HTTP traffic, jobs by state, job durations, retries and dead
 * jobs. Queue gauges are read from the store at scrape time, so every node reports the shared
 * queue's true state.
 * @module
 */
import client from "prom-client";
import type { JobCount } from "../queue/mod.ts";
import type { RunOutcome } from "../worker/mod.ts";

/** The metrics one Loom process exports. */
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
  const requests = new client.Counter({
    name: "loom_http_requests_total",
    help: "HTTP requests by route, method and status.",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const requestSeconds = new client.Histogram({
    name: "loom_http_request_duration_seconds",
    help: "HTTP request duration.",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
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
  const runs = new client.Counter({
    name: "loom_job_runs_total",
    help: "Job runs by kind, lane and outcome (succeeded, retry, dead, cancelled, released, lost).",
    labelNames: ["kind", "lane", "outcome"],
    registers: [registry],
  });
  const retries = new client.Counter({
    name: "loom_job_retries_total",
    help: "Failed job runs scheduled for another attempt.",
    labelNames: ["kind"],
    registers: [registry],
  });
  const dead = new client.Counter({
    name: "loom_jobs_dead_total",
    help: "Jobs that ended dead (permanent error or attempts exhausted).",
    labelNames: ["kind"],
    registers: [registry],
  });
  const runSeconds = new client.Histogram({
    name: "loom_job_duration_seconds",
    help: "Job run duration by kind.",
    labelNames: ["kind", "outcome"],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
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
