/**
 * One Loom process: the store, the queue, the worker pool and the HTTP listener, started together
 * and stopped together. `loom serve` calls this; tests call it with their own job handlers.
 * @module
 */
import { PLATFORMS, platformsFromSettings } from "../adapters/mod.ts";
import { serverView } from "./dashboard/mod.ts";
import { migrateToLatest, openDatabase } from "./db/mod.ts";
import { createIntake } from "./intake.ts";
import { createApp } from "./http/app.ts";
import { createMetrics } from "./http/metrics.ts";
import type { Logger } from "./log.ts";
import { backupPlan, maintenanceHandlers, scheduleMaintenance } from "./maintenance/mod.ts";
import { processLimiter } from "./llm/mod.ts";
import { createQueue, type Queue } from "./queue/mod.ts";
import { keyBindings, keyEnv, policyWarnings } from "./repo_config/mod.ts";
import { reviewHandlers } from "./review/jobs/mod.ts";
import type { Settings } from "./settings/mod.ts";
import { createReviewStore } from "./store/mod.ts";
import { createWorkerPool, type JobHandler } from "./worker/mod.ts";

/** A running server. */
export interface RunningServer {
  /** Base URL of the HTTP listener, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  queue: Queue;
  workerId: string;
  /**
   * Graceful stop: no new connections or claims, running jobs get `graceMs` to finish, the rest
   * go back to the queue, then the store is closed.
   */
  stop(graceMs?: number): Promise<void>;
}

/** What the server is built with besides its settings. */
export interface ServerOptions {
  /** Extra job handlers by kind (tests add kinds with countable side effects). */
  handlers?: Record<string, JobHandler>;
  log: Logger;
  /** The environment model keys are read from (`api_key_env`). */
  env: Record<string, string | undefined>;
}

/** Opens and migrates the store, then starts the pool and the HTTP listener. */
export async function startServer(
  settings: Settings,
  options: ServerOptions,
): Promise<RunningServer> {
  const { log } = options;
  const store = await openDatabase(settings.dbUrl, {
    poolSize: settings.dbPoolSize,
    onListenState(lost) {
      if (lost) log.warn("LISTEN connection lost; polling until it is back", { error: lost });
      else log.info("LISTEN connection back");
    },
  });
  const applied = await migrateToLatest(store);
  if (applied.length > 0) log.info("migrations applied", { migrations: applied });
  const platforms = platformsFromSettings(settings);
  for (const [platform, why] of Object.entries(platforms.disabled)) {
    log.info("platform disabled", { platform, reason: why });
  }
  const queue = await createQueue(store, {
    maxRateLimitWaitMs: settings.maxRateLimitWaitS * 1000,
  });
  const reviews = createReviewStore(store);
  const backup = await backupPlan(settings, store, log).catch(async (error) => {
    await store.close();
    throw error;
  });
  const metrics = createMetrics(() => queue.count());
  const workerId = `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;

  const policy = {
    keys: keyBindings(settings.llm.keys),
    allowedKeyEnvs: settings.llm.allowedKeyEnvs,
    allowedBaseUrls: settings.llm.allowedBaseUrls,
    serverBaseUrl: settings.llm.baseUrl,
  };
  for (const warning of policyWarnings(policy)) log.warn("deprecated setting", { warning });

  const pool = createWorkerPool({
    queue,
    handlers: {
      ...reviewHandlers({
        store: reviews,
        queue,
        adapters: platforms.adapters,
        llm: settings.llm,
        policy,
        // Settings extends ServerCaps: the LOOM_MAX_* caps on a repository's config.
        caps: settings,
        // The server's key from any settings source is what `LOOM_LLM_API_KEY` names.
        env: keyEnv(options.env, settings.llm.apiKey),
        log,
        commandsFrom: settings.commandsFrom,
        cost: {
          prices: settings.llm.prices ?? {},
          budgetDailyUsd: settings.budgetDailyUsd,
          budgets: settings.budgets,
          budgetFallbackModel: settings.budgetFallbackModel,
          meter: metrics,
        },
        // One for the process: every job's model calls take their turns from it.
        limiter: processLimiter(settings.llm),
      }),
      ...maintenanceHandlers({
        database: store,
        queue,
        store: reviews,
        log,
        retentionDays: settings.retentionDays,
        retentionReviewsDays: settings.retentionReviewsDays,
        backup,
      }),
      ...options.handlers,
    },
    slots: settings.workers,
    workerId,
    leaseMs: settings.leaseS * 1000,
    pollMs: settings.pollIntervalMs,
    maxRunMs: settings.maxJobRunS * 1000,
    onRunEnd(job, outcome, durationMs, error) {
      metrics.observeRun(job.kind, job.lane, outcome, durationMs / 1000);
      const fields = {
        job_id: job.id,
        kind: job.kind,
        outcome,
        duration_ms: Math.round(durationMs),
        attempt: job.attempts,
      };
      if (error) log.warn("job run failed", { ...fields, error });
      else log.info("job run ended", fields);
    },
    onError(error) {
      log.error("queue operation failed; retrying with backoff", {
        error: error instanceof Error ? error.message : String(error),
      });
    },
    onRecovered(failures, downMs) {
      log.info("queue operations work again", { failures, down_ms: downMs });
    },
  });

  await scheduleMaintenance(queue, { backups: backup !== undefined });
  if (backup) {
    log.info("scheduled backups on", {
      dir: backup.dir,
      interval_h: settings.backupIntervalH,
      keep: backup.keep,
    });
  }

  // Aborted on stop: ends the dashboard's live streams, which server.shutdown() would wait for.
  const closing = new AbortController();
  const app = createApp({
    closing: closing.signal,
    store: reviews,
    queue,
    metrics,
    log,
    adminToken: settings.adminToken,
    viewerToken: settings.viewerToken,
    dashboardSessionH: settings.dashboardSessionH,
    dashboard: {
      server: serverView({
        settings,
        platforms: { ids: PLATFORMS.map((p) => p.id), disabled: platforms.disabled },
        env: options.env,
        policy,
      }),
    },
    webhooks: {
      platforms: PLATFORMS.map((platform) => platform.id),
      adapters: platforms.adapters,
      disabled: platforms.disabled,
      maxBodyBytes: settings.maxBodyBytes,
      intake: createIntake({
        store: reviews,
        queue,
        rateLimitPerRepo: settings.rateLimitPerRepo,
        rateLimitPerUser: settings.rateLimitPerUser,
        commandsPerPr: settings.rateLimitCommandsPerPr,
      }),
    },
  });
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: settings.port,
    hostname: settings.host,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, app.fetch);
  const addr = await listening.promise;
  const host = addr.hostname === "0.0.0.0" ? "127.0.0.1" : addr.hostname;
  log.info("listening", {
    host: addr.hostname,
    port: addr.port,
    store: store.kind,
    workers: settings.workers,
    worker_id: workerId,
  });

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`,
    port: addr.port,
    queue,
    workerId,
    stop(graceMs = settings.shutdownGraceS * 1000) {
      stopped ??= (async () => {
        log.info("shutting down", { grace_ms: graceMs, running_jobs: pool.running() });
        closing.abort();
        await Promise.all([server.shutdown(), pool.stop(graceMs)]);
        await queue.close();
        await store.close();
        log.info("stopped");
      })();
      return stopped;
    },
  };
}
