/**
 * One Loom process: the store, the queue, the worker pool and the HTTP listener, started together
 * and stopped together. `loom serve` calls this; tests call it with their own job handlers.
 * @module
 */
import { PLATFORMS, platformsFromSettings } from "../adapters/mod.ts";
import { serverView } from "./dashboard/mod.ts";
import { type Database, migrateToLatest, openDatabase } from "./db/mod.ts";
import { createIntake } from "./intake.ts";
import { createApp } from "./http/app.ts";
import { createMetrics } from "./http/metrics.ts";
import type { Logger } from "./log.ts";
import {
  type BackupPlan,
  backupPlan,
  maintenanceHandlers,
  scheduleMaintenance,
} from "./maintenance/mod.ts";
import { processLimiter, type SpendMeter } from "./llm/mod.ts";
import { createQueue, type Queue } from "./queue/mod.ts";
import { keyBindings, keyEnv, policyWarnings } from "./repo_config/mod.ts";
import { reviewHandlers } from "./review/jobs/mod.ts";
import type { Settings } from "./settings/mod.ts";
import { createReviewStore } from "./store/mod.ts";
import {
  createWorkerPool,
  type JobHandler,
  type JobThreadParent,
  type JobThreadRuntime,
  type JobThreads,
  lowerThreadPriority,
  lowerV8HelperThreads,
  poolRuntime,
  type RunOutcome,
  startJobThreads,
  type WorkerPool,
} from "./worker/mod.ts";
import type { Job } from "./queue/mod.ts";

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
  const store = await openStore(settings, log);
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

  for (const warning of policyWarnings(policyOf(settings))) {
    log.warn("deprecated setting", { warning });
  }

  const threads = jobThreadCount(settings, store.kind === "sqlite" && isMemory(settings.dbUrl));
  const onRunEnd = (kind: string, lane: string, outcome: RunOutcome, durationMs: number) =>
    metrics.observeRun(kind, lane, outcome, durationMs / 1000);
  // The review flow's and the store's jobs: on job threads, or on this one when there are none.
  // Extra handlers (tests' countable kinds) are functions, which cannot cross to a thread: they
  // always run here.
  const pools: WorkerPool[] = [];
  let jobThreads: JobThreads | undefined;
  try {
    if (threads > 0) {
      jobThreads = await startJobThreads({
        module: new URL("./_job_thread.ts", import.meta.url),
        count: threads,
        init: (index): JobThreadInit => ({
          settings: threadSettings(settings, threads, index),
          env: options.env,
          workerId: `${workerId}:t${index}`,
          backup,
        }),
        queue,
        log,
        onRunEnd: (run) => onRunEnd(run.kind, run.lane, run.outcome, run.durationMs),
        meter: metrics,
      });
      // V8's helper threads collect and compile for the job threads' isolates too: they yield
      // the cores to this thread as the job threads do.
      const helpers = lowerV8HelperThreads(settings.workerThreadNice);
      if (helpers.lowered) log.debug("V8 helper threads priority lowered", helpers);
      else if (settings.workerThreadNice !== 0) {
        log.warn("V8 helper threads priority left as is", { why: helpers.why });
      }
    }
    const here = threads > 0 ? (options.handlers ?? {}) : undefined;
    if (here === undefined || Object.keys(here).length > 0) {
      pools.push(startPool({
        settings,
        database: store,
        queue,
        log,
        env: options.env,
        backup,
        workerId,
        only: here,
        extra: options.handlers,
        onRunEnd: (job, outcome, ms) => onRunEnd(job.kind, job.lane, outcome, ms),
        meter: metrics,
      }));
    }
  } catch (error) {
    await Promise.all(pools.map((pool) => pool.stop(0)));
    await queue.close();
    await store.close();
    throw error;
  }
  const running = () => pools.reduce((n, pool) => n + pool.running(), 0);

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
        policy: policyOf(settings),
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
    worker_threads: threads,
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
        log.info("shutting down", { grace_ms: graceMs, running_jobs_here: running() });
        closing.abort();
        await Promise.all([
          server.shutdown(),
          ...pools.map((pool) => pool.stop(graceMs)),
          jobThreads?.stop(graceMs),
        ]);
        await queue.close();
        await store.close();
        log.info("stopped");
      })();
      return stopped;
    },
  };
}

/** What a job thread is started with, by message: its settings (secrets included) and its id. */
export interface JobThreadInit {
  settings: Settings;
  /** The environment model keys are read from (`api_key_env`). */
  env: Record<string, string | undefined>;
  workerId: string;
  /** The backup plan the HTTP thread checked at start. */
  backup?: BackupPlan;
}

/**
 * A job thread's runtime (`src/_job_thread.ts`): its own store connection (SQLite WAL lets it
 * write beside the HTTP thread's; PostgreSQL gets a pool of its own), its own queue on it, and a
 * pool running the review flow's and the store's jobs. The store was migrated by the HTTP thread.
 */
export async function startJobThread(
  init: JobThreadInit,
  parent: JobThreadParent,
): Promise<JobThreadRuntime> {
  const { settings, env, workerId, backup } = init;
  const { log } = parent;
  const priority = lowerThreadPriority(settings.workerThreadNice);
  if (priority.lowered) {
    log.debug("job thread priority lowered", { thread: parent.index, ...priority });
  } else if (settings.workerThreadNice !== 0) {
    log.warn("job thread priority left as is", { thread: parent.index, why: priority.why });
  }
  // The HTTP thread's connection checkpoints the store for the whole process.
  const database = await openStore(settings, log, "elsewhere");
  const queue = await createQueue(database, {
    maxRateLimitWaitMs: settings.maxRateLimitWaitS * 1000,
  });
  const pool = startPool({
    settings,
    database,
    queue,
    log,
    env,
    backup,
    workerId,
    onRunEnd: (job, outcome, durationMs) =>
      parent.runEnded({ kind: job.kind, lane: job.lane, outcome, durationMs }),
    meter: parent.meter,
  });
  return poolRuntime(pool, queue, database);
}

/** Opens the store at `LOOM_DB_URL`, logging when a PostgreSQL LISTEN connection comes and goes. */
function openStore(
  settings: Settings,
  log: Logger,
  sqliteCheckpoints: "background" | "elsewhere" = "background",
): Promise<Database> {
  return openDatabase(settings.dbUrl, {
    poolSize: settings.dbPoolSize,
    sqliteSynchronous: settings.sqliteSynchronous,
    sqliteCheckpoints,
    onListenState(lost) {
      if (lost) log.warn("LISTEN connection lost; polling until it is back", { error: lost });
      else log.info("LISTEN connection back");
    },
  });
}

/** What {@link startPool} runs on. */
interface PoolDeps {
  settings: Settings;
  database: Database;
  queue: Queue;
  log: Logger;
  env: Record<string, string | undefined>;
  backup?: BackupPlan;
  workerId: string;
  /** Run only these handlers (the extra kinds, beside job threads); all of Loom's when absent. */
  only?: Record<string, JobHandler>;
  /** Handlers added to Loom's when `only` is absent. */
  extra?: Record<string, JobHandler>;
  onRunEnd(job: Job, outcome: RunOutcome, durationMs: number): void;
  /** Where model spend and budgets' use are counted (the HTTP thread's metrics). */
  meter: SpendMeter;
}

/** Starts a worker pool on `deps.queue` with Loom's handlers, logging each run's end. */
function startPool(deps: PoolDeps): WorkerPool {
  const { settings, queue, log } = deps;
  const reviews = createReviewStore(deps.database);
  const policy = policyOf(settings);
  const handlers = deps.only ?? {
    ...reviewHandlers({
      store: reviews,
      queue,
      adapters: platformsFromSettings(settings).adapters,
      llm: settings.llm,
      policy,
      // Settings extends ServerCaps: the LOOM_MAX_* caps on a repository's config.
      caps: settings,
      // The server's key from any settings source is what `LOOM_LLM_API_KEY` names.
      env: keyEnv(deps.env, settings.llm.apiKey),
      log,
      commandsFrom: settings.commandsFrom,
      cost: {
        prices: settings.llm.prices ?? {},
        budgetDailyUsd: settings.budgetDailyUsd,
        budgets: settings.budgets,
        budgetFallbackModel: settings.budgetFallbackModel,
        meter: deps.meter,
      },
      // One for the pool: every job's model calls take their turns from it.
      limiter: processLimiter(settings.llm),
    }),
    ...maintenanceHandlers({
      database: deps.database,
      queue,
      store: reviews,
      log,
      retentionDays: settings.retentionDays,
      retentionReviewsDays: settings.retentionReviewsDays,
      backup: deps.backup,
    }),
    ...deps.extra,
  };
  return createWorkerPool({
    queue,
    handlers,
    slots: settings.workers,
    workerId: deps.workerId,
    leaseMs: settings.leaseS * 1000,
    pollMs: settings.pollIntervalMs,
    maxRunMs: settings.maxJobRunS * 1000,
    onRunEnd(job, outcome, durationMs, error) {
      deps.onRunEnd(job, outcome, durationMs);
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
}

/** The server's model policy: which keys, key variables and model servers configs may use. */
function policyOf(settings: Settings) {
  return {
    keys: keyBindings(settings.llm.keys),
    allowedKeyEnvs: settings.llm.allowedKeyEnvs,
    allowedBaseUrls: settings.llm.allowedBaseUrls,
    serverBaseUrl: settings.llm.baseUrl,
  };
}

/**
 * How many job threads to start: `LOOM_WORKER_THREADS`, but none when there are no jobs to run
 * (`LOOM_WORKERS=0`) or the store is in memory (another thread's connection would open another,
 * empty, database), and never more than there are job slots to share out.
 */
function jobThreadCount(settings: Settings, inMemory: boolean): number {
  if (inMemory || settings.workers === 0) return 0;
  return Math.min(settings.workerThreads, settings.workers);
}

function isMemory(dbUrl: string): boolean {
  return dbUrl === ":memory:" || dbUrl.includes("mode=memory");
}

/**
 * Thread `index`'s share of the process's job slots (`LOOM_WORKERS`) and of its model calls in
 * flight (`LOOM_LLM_MAX_CONCURRENCY`, rounded up so that each thread may call the model).
 */
function threadSettings(settings: Settings, threads: number, index: number): Settings {
  const slots = Math.floor(settings.workers / threads) +
    (index < settings.workers % threads ? 1 : 0);
  return {
    ...settings,
    workers: slots,
    llm: { ...settings.llm, maxConcurrency: Math.ceil(settings.llm.maxConcurrency / threads) },
  };
}
