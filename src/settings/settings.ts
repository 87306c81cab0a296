/**
 * The core settings — the server's own, besides each platform's — and their rows.
 *
 * Adding a setting is a field in {@link Settings} plus its row here; the compiler rejects either
 * without the other. A platform's settings are declared by its adapter folder instead, as a
 * {@link SettingGroup}, and handed to the loader by the composition root.
 * @module
 */
import { z } from "zod";
import {
  dbUrl,
  decimal,
  envName,
  httpUrl,
  httpUrlEntry,
  integer,
  jsonMapping,
  keyBindingEntry,
  listOf,
  oneOf,
  secretText,
  text,
} from "./check.ts";
import type { PriceList } from "../llm/mod.ts";
import type { ServerCaps } from "../repo_config/mod.ts";
import type { SettingRows } from "./setting_row.ts";

/** How much the server logs, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The values of `LOOM_COMMANDS_FROM`. */
export const COMMANDS_FROM = ["writers", "anyone"] as const;
/** Who may command Loom. */
export type CommandsFrom = (typeof COMMANDS_FROM)[number];

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const satisfies readonly LogLevel[];

/**
 * The server's core settings after validation: every value is present and in range. The caps on
 * a repository's config (`LOOM_MAX_LLM_CALLS`…) are {@link ServerCaps}'s fields. The loaded
 * object also holds each platform's group under its key; the platform reads it with
 * `groupSettings`.
 */
export interface Settings extends ServerCaps {
  /** Port the HTTP server listens on; 0 asks the OS for a free one. */
  port: number;
  /** Address the HTTP server binds to. */
  host: string;
  /** `file:PATH` or `:memory:` (SQLite via libSQL), or a `postgres://` / `postgresql://` URL. */
  dbUrl: string;
  /** PostgreSQL: connections in the main pool of this process. */
  dbPoolSize: number;
  /** Jobs run at once by this process; 0 means it only serves HTTP. */
  workers: number;
  /** Deno Workers (threads) that run this process's jobs; 0 runs them on the HTTP thread. */
  sqliteSynchronous: "normal" | "full";
  workerThreads: number;
  workerThreadNice: number;
  /** Guards the admin API; absent when not configured. */
  adminToken?: string;
  /** Read-only dashboard token: sees every page, presses no button. */
  viewerToken?: string;
  /** Hours a dashboard sign-in lasts. */
  dashboardSessionH: number;
  /** Seconds running work gets to finish after SIGTERM. */
  shutdownGraceS: number;
  /** Least severe level that is logged. */
  logLevel: LogLevel;
  /** Seconds a running job's lease lasts; heartbeats renew it at a third of this. */
  leaseS: number;
  /** Milliseconds between queue polls when no wake-up signal arrives. */
  pollIntervalMs: number;
  /** Seconds a job may wait out rate limits (429s) in all, spending no attempt, before it fails. */
  maxRateLimitWaitS: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** The most bytes of a pull request's diff Loom reads; a larger one is not reviewed. */
  maxDiffBytes: number;
  /** Seconds one job run may take before the pool aborts it (a retryable failure). */
  maxJobRunS: number;
  /** Reviews per minute allowed for one repository. */
  rateLimitPerRepo: number;
  /** Reviews and commands one person may trigger per hour. */
  rateLimitPerUser: number;
  /** Chat commands per hour on one pull request. */
  rateLimitCommandsPerPr: number;
  /** Who may command Loom: people with write access, or anyone who can comment. */
  commandsFrom: CommandsFrom;
  /** Days finished jobs, deliveries and reviews' stored inputs are kept. */
  retentionDays: number;
  /** Days a closed pull request's reviews, findings and comment records are kept. */
  retentionReviewsDays: number;
  /** Directory the server writes SQLite backups to; absent means no scheduled backups. */
  backupDir?: string;
  /** Hours between scheduled backups. */
  backupIntervalH: number;
  /** Scheduled backups kept; older ones are deleted. */
  backupKeep: number;
  /** USD the whole server may spend on models per UTC day; absent means no server budget. */
  budgetDailyUsd?: number;
  /** Daily budgets by repository full name (`owner/repo`); absent means none. */
  budgets?: Readonly<Record<string, RepoBudget>>;
  /** Model id on `llm.baseUrl` reviews run on past a budget; absent: they are skipped. */
  budgetFallbackModel?: string;
  /** The model provider used for reviews. */
  llm: LlmSettings;
}

/** One repository's budget. */
export interface RepoBudget {
  /** USD its reviews may spend per UTC day, on any platform. */
  dailyUsd: number;
}

const usd = z.number({ error: "must be a number of US dollars" }).min(0, {
  error: "must not be negative",
}).max(1_000_000, { error: "must be at most 1000000" });

const pricesSchema = z.record(
  z.string().min(1),
  z.object({ input: usd, cached_input: usd.optional(), output: usd }, {
    error: "must be a mapping with input, output and optionally cached_input",
  }).strict(),
  { error: "must be a mapping of model ids to prices" },
).refine((m) => Object.keys(m).length <= 1_000, { error: "must price at most 1000 models" })
  .transform((m): PriceList =>
    Object.fromEntries(
      Object.entries(m).map(([model, p]) => [model, {
        input: p.input,
        ...(p.cached_input === undefined ? {} : { cachedInput: p.cached_input }),
        output: p.output,
      }]),
    )
  );

const budgetsSchema = z.record(
  z.string().regex(/^[^/\s]+(\/[^/\s]+)+$/, { error: "keys must be repository names, owner/repo" }),
  z.object({ daily_usd: usd }, { error: "must be a mapping with daily_usd" }).strict(),
  { error: "must be a mapping of repository names to budgets" },
).refine((m) => Object.keys(m).length <= 10_000, { error: "must list at most 10000 repositories" })
  .transform((m): Record<string, RepoBudget> =>
    Object.fromEntries(Object.entries(m).map(([repo, b]) => [repo, { dailyUsd: b.daily_usd }]))
  );

/** The model provider used for reviews. */
export interface LlmSettings {
  /** OpenAI-compatible API base URL. */
  baseUrl: string;
  /** Key for the provider; absent when the provider needs none or a repository brings one. */
  apiKey?: string;
  /** Model used when a repository does not choose one. */
  model: string;
  /** Key variables a repository's config may name, each with a base URL it may go to. */
  keys: string[];
  /** Deprecated: key variables a config may name, each to any of `allowedBaseUrls`. */
  allowedKeyEnvs: string[];
  /** Base URLs a repository's config may call without a key. */
  allowedBaseUrls?: string[];
  /** Largest model response read, in bytes after decompression. */
  maxResponseBytes: number;
  /** Calls in flight at once to one model server from this process (the default and the cap). */
  maxConcurrency: number;
  /** USD per million tokens by model id; a model not listed shows tokens only. */
  prices?: PriceList;
}

/** The top-level core settings, in README order. */
export const TOP_ROWS: SettingRows<Omit<Settings, "llm">> = {
  port: {
    flag: "--port",
    env: "LOOM_PORT",
    yaml: "port",
    default: 8080,
    about: "Port the HTTP server listens on; 0 asks the OS for a free port (tests use this).",
    check: integer(0, 65535),
  },
  host: {
    flag: "--host",
    env: "LOOM_HOST",
    yaml: "host",
    default: "0.0.0.0",
    about: "Address the HTTP server binds to.",
    check: text,
  },
  dbUrl: {
    flag: "--db",
    env: "LOOM_DB_URL",
    yaml: "db_url",
    default: "file:./loom.db",
    about: "Database: SQLite (libSQL) for a file or memory, or PostgreSQL.",
    check: dbUrl,
  },
  dbPoolSize: {
    env: "LOOM_DB_POOL_SIZE",
    yaml: "db_pool_size",
    default: 10,
    about: "PostgreSQL only: connections in this process's main pool; the queue's own pool adds " +
      "up to 4 and LISTEN one more. Keep the sum over all nodes below the server's " +
      "max_connections.",
    check: integer(1, 1000),
  },
  sqliteSynchronous: {
    env: "LOOM_SQLITE_SYNCHRONOUS",
    yaml: "sqlite_synchronous",
    // NORMAL: an acknowledged delivery is in the WAL file and survives Loom crashing or being
    // killed; FULL adds an fsync per commit for power loss, which most VMs' disks make slow.
    default: "normal",
    about: "SQLite only: `normal` writes each commit to the write-ahead log before answering, so " +
      "an acknowledged delivery survives Loom crashing or being killed (only an OS crash or " +
      "power loss can drop the last commits, never corrupting the store); `full` also waits for " +
      "the disk to confirm every commit (one fsync each), for power-loss durability.",
    check: oneOf(["normal", "full"] as const),
  },
  workers: {
    flag: "--workers",
    env: "LOOM_WORKERS",
    yaml: "workers",
    default: 10,
    about: "Jobs this process runs at once; 0 makes it serve HTTP only and run no jobs.",
    check: integer(0, 1000),
  },
  workerThreads: {
    env: "LOOM_WORKER_THREADS",
    yaml: "worker_threads",
    // One: the thread serving HTTP then does only HTTP, verification and intake, so a delivery
    // never waits behind a review's CPU work; reviews mostly wait on the model, so one thread
    // runs dozens at once. More help only with more cores than two.
    default: 1,
    about: "Threads (Deno Workers in this process) that run its jobs, each with its own store " +
      "connection (on PostgreSQL its own pool of `LOOM_DB_POOL_SIZE`, count it in " +
      "max_connections); the HTTP thread then only serves HTTP and queues work. `LOOM_WORKERS` and " +
      "`LOOM_LLM_MAX_CONCURRENCY` are shared out among them. 0 runs jobs on the HTTP thread; " +
      "an in-memory store (`:memory:`) always does.",
    check: integer(0, 64),
  },
  workerThreadNice: {
    env: "LOOM_WORKER_THREAD_NICE",
    yaml: "worker_thread_nice",
    // Ten: under contention the kernel then gives the HTTP thread about nine tenths of a core,
    // and a delivery no longer waits behind reviews; reviews mostly wait on the model.
    default: 10,
    about: "Linux: the nice value of the job threads (`LOOM_WORKER_THREADS`) and of V8's helper " +
      "threads (garbage collection, compilation), so that webhooks and `/health` are served " +
      "first when reviews keep the cores busy; 0 leaves them at the process's own priority. " +
      "Needs `--allow-ffi` (which `loom serve` has for libSQL).",
    check: integer(0, 19),
  },
  adminToken: {
    // No flag: a command line is visible to every local user through ps.
    env: "LOOM_ADMIN_TOKEN",
    yaml: "admin_token",
    default: undefined,
    about: "Token that guards the admin API and signs in to the dashboard at `/`; unset, both " +
      "are off.",
    check: secretText(16, "it guards the admin API, so it must resist guessing"),
    secret: true,
  },
  viewerToken: {
    // No flag, as for the admin token.
    env: "LOOM_VIEWER_TOKEN",
    yaml: "viewer_token",
    default: undefined,
    about: "Optional read-only dashboard token: signs in to see every page but not retry, " +
      "cancel or test anything. Needs LOOM_ADMIN_TOKEN.",
    check: secretText(16, "it signs in to the dashboard, so it must resist guessing"),
    secret: true,
  },
  dashboardSessionH: {
    env: "LOOM_DASHBOARD_SESSION_H",
    yaml: "dashboard_session_h",
    default: 12,
    about: "Hours a dashboard sign-in lasts before it asks for the token again.",
    check: integer(1, 720),
  },
  shutdownGraceS: {
    env: "LOOM_SHUTDOWN_GRACE_S",
    yaml: "shutdown_grace_s",
    default: 30,
    about: "Seconds running jobs and requests get to finish after SIGTERM; keep it below the " +
      "service manager's stop timeout.",
    check: integer(0, 3600),
  },
  logLevel: {
    flag: "--log-level",
    env: "LOOM_LOG_LEVEL",
    yaml: "log_level",
    default: "info",
    about: "Least severe level that is logged.",
    check: oneOf(LOG_LEVELS),
  },
  leaseS: {
    env: "LOOM_JOB_LEASE_S",
    yaml: "job_lease_s",
    default: 30,
    about: "Seconds a running job's lease lasts; heartbeats renew it at a third of this, and a " +
      "job whose worker died is run again once it lapses.",
    // At least 3 so that the heartbeat, at a third of the lease, is at least a second apart.
    check: integer(3, 3600),
  },
  pollIntervalMs: {
    env: "LOOM_POLL_INTERVAL_MS",
    yaml: "poll_interval_ms",
    default: 1000,
    about: "Milliseconds between queue polls when no wake-up signal arrives.",
    // A floor keeps a typo from turning idle workers into a busy loop against the database.
    check: integer(10, 600_000),
  },
  maxRateLimitWaitS: {
    env: "LOOM_MAX_RATE_LIMIT_WAIT_S",
    yaml: "max_rate_limit_wait_s",
    default: 3600,
    about: "Seconds a job may wait out a platform's or model's rate limit (429) in all before it " +
      "fails; these waits use none of its attempts, and one wait lasts at most an hour.",
    check: integer(0, 604_800),
  },
  maxBodyBytes: {
    env: "LOOM_MAX_BODY_BYTES",
    yaml: "max_body_bytes",
    default: 26_214_400,
    about: "Largest request body accepted, in bytes (25 MiB by default).",
    check: integer(1024, 1_073_741_824),
  },
  maxDiffBytes: {
    env: "LOOM_MAX_DIFF_BYTES",
    yaml: "max_diff_bytes",
    default: 5_242_880,
    about: "Largest pull request diff Loom reads, in bytes (5 MiB by default); a larger one is " +
      "not reviewed, and its summary says why.",
    check: integer(1024, 1_073_741_824),
  },
  maxLlmCalls: {
    env: "LOOM_MAX_LLM_CALLS",
    yaml: "max_llm_calls",
    default: 50,
    about: "Most model calls one review makes on this server; a repository config asking for " +
      "more (review.max_llm_calls) is clamped, and its summary says so.",
    check: integer(1, 100_000),
  },
  maxTokens: {
    env: "LOOM_MAX_TOKENS",
    yaml: "max_tokens",
    default: 16_384,
    about: "Largest max_tokens a repository config may ask of a model; more is clamped, and " +
      "the summary says so.",
    check: integer(1, 10_000_000),
  },
  maxContextWindow: {
    env: "LOOM_MAX_CONTEXT_WINDOW",
    yaml: "max_context_window",
    default: 200_000,
    about: "Largest context_window a repository config may claim for a model; more is " +
      "clamped, and the summary says so.",
    check: integer(1024, 100_000_000),
  },
  maxTimeoutS: {
    env: "LOOM_MAX_TIMEOUT_S",
    yaml: "max_timeout_s",
    default: 600,
    about: "Longest timeout_s, in seconds, a repository config may give a model call; longer " +
      "is clamped, and the summary says so.",
    check: integer(1, 86_400),
  },
  maxInlineComments: {
    env: "LOOM_MAX_INLINE_COMMENTS",
    yaml: "max_inline_comments",
    default: 50,
    about: "Most inline comments one review posts; a repository config asking for more " +
      "(review.max_inline_comments) is clamped, and the summary says so.",
    check: integer(0, 10_000),
  },
  maxPipelines: {
    env: "LOOM_MAX_PIPELINES",
    yaml: "max_pipelines",
    default: 10,
    about: "Most pipelines one review runs; a repository config enabling more runs the first " +
      "ones only, and the summary says so.",
    check: integer(1, 1000),
  },
  maxJobRunS: {
    env: "LOOM_MAX_JOB_RUN_S",
    yaml: "max_job_run_s",
    default: 1800,
    about: "Seconds one job run may take; past it the worker aborts the run and the job is " +
      "retried like any retryable failure.",
    check: integer(1, 86_400),
  },
  rateLimitPerRepo: {
    env: "LOOM_RATE_LIMIT_PER_REPO",
    yaml: "rate_limit_per_repo",
    default: 30,
    about: "Reviews per minute allowed for one repository; pushes only, commands never count.",
    check: integer(1, 100_000),
  },
  rateLimitPerUser: {
    env: "LOOM_RATE_LIMIT_PER_USER",
    yaml: "rate_limit_per_user",
    default: 60,
    about: "Reviews and chat commands one person may trigger per hour.",
    check: integer(1, 100_000),
  },
  rateLimitCommandsPerPr: {
    env: "LOOM_RATE_LIMIT_COMMANDS_PER_PR",
    yaml: "rate_limit_commands_per_pr",
    default: 20,
    about:
      "Chat commands (`/loom review`, `/loom pause`, any `/loom …`) per hour on one pull request.",
    check: integer(1, 100_000),
  },
  commandsFrom: {
    env: "LOOM_COMMANDS_FROM",
    yaml: "commands_from",
    default: "writers",
    about: "Who may command Loom: `writers` (people with write access to the repository, as " +
      "the platform answers) or `anyone` who can comment.",
    check: oneOf(COMMANDS_FROM),
  },
  retentionDays: {
    env: "LOOM_RETENTION_DAYS",
    yaml: "retention_days",
    default: 30,
    about: "Days Loom keeps finished jobs, webhook deliveries and each finished review's stored " +
      "inputs (the diff, the prompts, the model endpoints' own error answers); an hourly prune " +
      "deletes what is older.",
    check: integer(1, 36_500),
  },
  retentionReviewsDays: {
    env: "LOOM_RETENTION_REVIEWS_DAYS",
    yaml: "retention_reviews_days",
    default: 365,
    about: "Days a closed pull request's reviews, findings and comment records are kept after it " +
      "closed; while it is open they are kept, since they keep a finding from being posted twice.",
    check: integer(1, 36_500),
  },
  backupDir: {
    env: "LOOM_BACKUP_DIR",
    yaml: "backup_dir",
    default: undefined,
    about: "Directory `loom serve` writes SQLite backups to (`loom-YYYYMMDD-HHMMSS.db`); unset " +
      "means no scheduled backups. It must be writable by the process (under the data " +
      "directory the permissions grant, e.g. `/data/backups`). PostgreSQL: use `pg_dump`.",
    check: text,
  },
  backupIntervalH: {
    env: "LOOM_BACKUP_INTERVAL_H",
    yaml: "backup_interval_h",
    default: 24,
    about: "Hours between scheduled backups; the first comes at start when the newest backup " +
      "is older than this.",
    check: integer(1, 8760),
  },
  backupKeep: {
    env: "LOOM_BACKUP_KEEP",
    yaml: "backup_keep",
    default: 7,
    about: "Scheduled backups kept in `LOOM_BACKUP_DIR`; older ones are deleted after each backup.",
    check: integer(1, 10_000),
  },
  budgetDailyUsd: {
    env: "LOOM_BUDGET_DAILY_USD",
    yaml: "budget_daily_usd",
    default: undefined,
    about: "US dollars the whole server may spend on models per UTC day, counted from " +
      "`llm.prices` (unpriced models count nothing); past it, reviews are skipped with a " +
      "summary saying so, or run on `budget_fallback_model`. Unset: no server budget.",
    check: decimal(0, 1_000_000),
  },
  budgets: {
    env: "LOOM_BUDGETS",
    yaml: "budgets",
    default: undefined,
    about: "Daily budgets per repository, by full name on any platform: " +
      '`{"owner/repo": {"daily_usd": 5}}`; past one, that repository\'s reviews are skipped or ' +
      "run on `budget_fallback_model`, as for `budget_daily_usd`. A repository's own config " +
      "can never set or raise one.",
    check: jsonMapping(budgetsSchema, "Repository names mapped to `daily_usd`"),
  },
  budgetFallbackModel: {
    env: "LOOM_BUDGET_FALLBACK_MODEL",
    yaml: "budget_fallback_model",
    default: undefined,
    about: "A model id on `LOOM_LLM_BASE_URL` (with `LOOM_LLM_API_KEY`) that every pipeline of " +
      "a review runs on once a budget is spent, instead of skipping the review; e.g. a cheap " +
      "or local model. Unset: reviews past a budget are skipped.",
    check: text,
  },
};

/** The model provider's settings, under `llm`. */
export const LLM_ROWS: SettingRows<LlmSettings> = {
  baseUrl: {
    env: "LOOM_LLM_BASE_URL",
    yaml: "llm.base_url",
    default: "https://api.openai.com/v1",
    about: "OpenAI-compatible API base URL of the model provider.",
    check: httpUrl,
  },
  apiKey: {
    env: "LOOM_LLM_API_KEY",
    yaml: "llm.api_key",
    default: undefined,
    about: "API key for the model provider.",
    check: text,
    secret: true,
  },
  model: {
    env: "LOOM_LLM_MODEL",
    yaml: "llm.model",
    default: "gpt-4o-mini",
    about: "Model used when a repository does not choose one.",
    check: text,
  },
  keys: {
    env: "LOOM_LLM_KEYS",
    yaml: "llm.keys",
    default: [],
    about: "Key variables a repository's config may name as `api_key_env`, each bound to the " +
      "base URLs it may be sent to, as `OPENAI_API_KEY=https://api.openai.com/v1` (repeat a " +
      "variable for more URLs); empty allows none. `LOOM_LLM_API_KEY` always goes to " +
      "`LOOM_LLM_BASE_URL` only.",
    check: listOf(keyBindingEntry),
  },
  allowedKeyEnvs: {
    env: "LOOM_LLM_ALLOWED_KEY_ENVS",
    yaml: "llm.allowed_key_envs",
    default: [],
    about: "Deprecated (a warning at start gives the equivalent `LOOM_LLM_KEYS`): key variables " +
      "a repository's config may name, each sent to any of `LOOM_LLM_ALLOWED_BASE_URLS` (or " +
      "only `LOOM_LLM_BASE_URL` when that is unset).",
    check: listOf(envName),
  },
  allowedBaseUrls: {
    env: "LOOM_LLM_ALLOWED_BASE_URLS",
    yaml: "llm.allowed_base_urls",
    default: undefined,
    about: "Base URLs a repository's config may call without a key, besides " +
      "`LOOM_LLM_BASE_URL`; unset allows no other. Plain http, loopback and private hosts " +
      "only as listed.",
    check: listOf(httpUrlEntry),
  },
  maxResponseBytes: {
    env: "LOOM_LLM_MAX_RESPONSE_BYTES",
    yaml: "llm.max_response_bytes",
    // Real answers are a few hundred KB at most; a compressed bomb inflates far past this.
    default: 4_194_304,
    about: "Largest model response read, in bytes after decompression (4 MiB by default); " +
      "a larger one fails its call.",
    check: integer(65_536, 1_073_741_824),
  },
  maxConcurrency: {
    env: "LOOM_LLM_MAX_CONCURRENCY",
    yaml: "llm.max_concurrency",
    default: 4,
    about: "Model calls in flight at once to one model server from this process, across all " +
      "jobs; the rest wait their turn. The limit of a repository's model without " +
      "`max_concurrency`, and the most it may set for `LOOM_LLM_BASE_URL`.",
    check: integer(1, 1_000),
  },
  prices: {
    env: "LOOM_LLM_PRICES",
    yaml: "llm.prices",
    default: undefined,
    about: "Prices in US dollars per million tokens by model id (as sent to the endpoint): " +
      '`{"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.6}}` ' +
      "(`cached_input` defaults to `input`). Each model call's cost is stored with its tokens; " +
      "a model not listed shows tokens only, its cost unknown (never 0).",
    check: jsonMapping(pricesSchema, "Model ids mapped to `input`, `cached_input`, `output`"),
  },
};
