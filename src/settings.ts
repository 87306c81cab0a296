/**
 * Server settings: where each one comes from, how it is checked, and how it is shown.
 *
 * Settings are read once at start. A value given as a command-line flag wins over a `LOOM_*`
 * environment variable, which wins over `loom.yaml`, which wins over the default. Every problem
 * is reported at once and names the flag, variable or file key the bad value came from, so an
 * operator fixes a deployment in one pass instead of one restart per typo.
 *
 * Each setting is one row of {@link SETTINGS_TABLE}: its sources, default, description and
 * check live together, so the README table and the validation cannot drift apart. Adding a
 * setting is a field in {@link Settings} plus its row; the compiler rejects either without the
 * other.
 * @module
 */

import { z } from "zod";
import { parseDocument } from "yaml";

/** How much the server logs, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const satisfies readonly LogLevel[];

/** The server's settings after validation: every value is present and in range. */
export interface Settings {
  /** Port the HTTP server listens on; 0 asks the OS for a free one. */
  port: number;
  /** Address the HTTP server binds to. */
  host: string;
  /** `file:PATH` or `:memory:` (SQLite via libSQL), or a `postgres://` / `postgresql://` URL. */
  dbUrl: string;
  /** Jobs run at once by this process; 0 means it only serves HTTP. */
  workers: number;
  /** Guards the admin API; absent when not configured. */
  adminToken?: string;
  /** Seconds running work gets to finish after SIGTERM. */
  shutdownGraceS: number;
  /** Least severe level that is logged. */
  logLevel: LogLevel;
  /** Seconds a running job's lease lasts; heartbeats renew it at a third of this. */
  leaseS: number;
  /** Milliseconds between queue polls when no wake-up signal arrives. */
  pollIntervalMs: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Reviews per minute allowed for one repository. */
  rateLimitPerRepo: number;
  /** The model provider used for reviews. */
  llm: {
    /** OpenAI-compatible API base URL. */
    baseUrl: string;
    /** Key for the provider; absent when the provider needs none or a repository brings one. */
    apiKey?: string;
    /** Model used when a repository does not choose one. */
    model: string;
    /** Environment variables a repository's config may name as its key source. */
    allowedKeyEnvs: string[];
    /** Base URLs a repository's config may send its model requests to. */
    allowedBaseUrls?: string[];
  };
  /** GitHub (github.com or Enterprise Server); webhooks are disabled without the secret. */
  github: {
    /** REST API root: `https://api.github.com`, or `https://HOST/api/v3` for GHES. */
    apiUrl: string;
    webhookSecret?: string;
    /** A token (PAT or fine-grained); alternatively a GitHub App below. */
    token?: string;
    appId?: string;
    /** The App's private key (PEM) itself… */
    appPrivateKey?: string;
    /** …or a file holding it. */
    appPrivateKeyFile?: string;
  };
  /** GitLab (gitlab.com or self-managed); webhooks are disabled without the secret. */
  gitlab: { url: string; token?: string; webhookSecret?: string };
  /** Gitea or Forgejo; webhooks are disabled without the secret. */
  gitea: { url?: string; token?: string; webhookSecret?: string };
  /** Bitbucket Cloud; webhooks are disabled without the secret. */
  bitbucket: {
    apiUrl: string;
    /** A repository, project or workspace access token (Bearer)… */
    token?: string;
    /** …or a user's Atlassian account email with an API token (Basic). */
    email?: string;
    apiToken?: string;
    webhookSecret?: string;
  };
  /** Azure DevOps Services; webhooks are disabled without the service hook's credentials. */
  azureDevops: {
    /** `https://dev.azure.com/ORG`. */
    url?: string;
    /** A personal access token. */
    token?: string;
    webhookUsername?: string;
    webhookPassword?: string;
  };
}

/** One thing wrong with the given settings, phrased for the operator who has to fix it. */
export interface SettingProblem {
  /** Where the bad value came from: `--port`, `LOOM_PORT` or `loom.yaml: port`. */
  name: string;
  /**
   * The value as given, secrets shown as `***`. Absent when the problem is not about one value
   * (a YAML syntax error, an unknown key that might hold a mistyped secret).
   */
  value?: string;
  /** What is wrong, and what would be right. */
  message: string;
}

/** The documented face of one setting: a row of the README table. */
export interface SettingDoc {
  /** Path in {@link Settings}, e.g. `llm.baseUrl`. */
  key: string;
  /** Command-line flag, e.g. `--port`; absent for settings too sensitive or rare for one. */
  flag?: string;
  /** Environment variable, e.g. `LOOM_PORT`. */
  env: string;
  /** Key in `loom.yaml`, dotted for nested ones, e.g. `llm.base_url`. */
  yaml: string;
  /** Value used when no source gives one; `undefined` means the setting stays unset. */
  default: string | number | readonly string[] | undefined;
  /** What the setting does, followed by what values it accepts. */
  description: string;
  /** True when the value must never be logged or echoed. */
  secret: boolean;
}

/** What {@link loadSettings} needs from the outside world; tests hand in plain objects. */
export interface SettingsInput {
  /** Parsed flags keyed by name without dashes (`port`, `log-level`, `config`). */
  flags: Record<string, string | undefined>;
  /** The process environment. */
  env: Record<string, string | undefined>;
  /** Reads a text file; `null` when it does not exist. May throw for other failures. */
  readFile: (path: string) => string | null;
}

/** Either valid settings or everything that is wrong with them. */
export type SettingsResult =
  | { ok: true; settings: Settings }
  | { ok: false; problems: SettingProblem[] };

// ---------------------------------------------------------------------------------------------
// Checks. Each pairs a zod schema with the sentence the README shows, so the documented range is
// the enforced one. Schemas take `unknown` because a value may be a flag or environment string
// or a typed YAML value; both are held to the same rule.

interface Check<T> {
  schema: z.ZodType<T>;
  rule: string;
}

// Only plain decimal digits count as an integer: Number() would accept "", " 8", "0x1F" and
// "1e3", each of which is more likely a mistake than an intent.
const INTEGER_TEXT = /^-?[0-9]+$/;

function integer(min: number, max: number): Check<number> {
  const error = `must be an integer between ${min} and ${max}`;
  return {
    rule: `Integer, ${min} to ${max}.`,
    schema: z.preprocess(
      (v) => (typeof v === "string" && INTEGER_TEXT.test(v) ? Number(v) : v),
      z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
    ),
  };
}

const text: Check<string> = {
  rule: "",
  schema: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
};

function secretText(minLength: number, why: string): Check<string> {
  const error = `must be at least ${minLength} characters: ${why}`;
  return {
    rule: `At least ${minLength} characters.`,
    schema: z.string({ error: "must be a string" }).min(minLength, { error }),
  };
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T): Check<T[number]> {
  const list = values.join(", ");
  return { rule: `One of ${list}.`, schema: z.enum(values, { error: `must be one of ${list}` }) };
}

function parsesAsUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function isHttpUrl(s: string): boolean {
  const url = parsesAsUrl(s);
  return url !== undefined && (url.protocol === "http:" || url.protocol === "https:");
}

const httpUrl: Check<string> = {
  rule: "An http(s) URL.",
  schema: z.string({ error: "must be a string" }).refine(isHttpUrl, {
    error: "must be an http:// or https:// URL",
  }),
};

function isDbUrl(s: string): boolean {
  if (s === ":memory:") return true;
  if (s.startsWith("file:")) return s.length > "file:".length;
  return /^postgres(ql)?:\/\//.test(s) && parsesAsUrl(s) !== undefined;
}

const dbUrl: Check<string> = {
  rule: "`file:PATH`, `:memory:`, `postgres://…` or `postgresql://…`.",
  schema: z.string({ error: "must be a string" }).refine(isDbUrl, {
    error: "must be file:PATH, :memory:, or a postgres:// or postgresql:// URL",
  }),
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function entryError(what: string) {
  return (issue: { input?: unknown }) => `entry ${JSON.stringify(issue.input)} is not ${what}`;
}

const envName: Check<string> = {
  rule: "environment variable names",
  schema: z.string().regex(ENV_NAME, { error: entryError("an environment variable name") }),
};

const httpUrlEntry: Check<string> = {
  rule: "http(s) URLs",
  schema: z.string().refine(isHttpUrl, { error: entryError("an http:// or https:// URL") }),
};

/** A list: comma-separated in a flag or variable, a YAML list (or the same text) in the file. */
function listOf(item: Check<string>): Check<string[]> {
  return {
    rule: `Comma-separated ${item.rule} (a YAML list in loom.yaml).`,
    schema: z.preprocess(
      (v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v),
      z.array(item.schema, { error: "must be a comma-separated list or a YAML list" }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// The table. Its keys are derived from Settings, so a field without a row (or a row without a
// field, or a check of the wrong type) fails to compile.

type Leaf = string | number | boolean | readonly unknown[];

type SettingKey<T = Settings> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf ? K
    : `${K}.${SettingKey<NonNullable<T[K]>>}`;
}[keyof T & string];

type SettingValue<P extends string, T = Settings> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T ? SettingValue<Rest, NonNullable<T[Head]>> : never
  : P extends keyof T ? T[P]
  : never;

interface Row<T> {
  flag?: `--${string}`;
  env: `LOOM_${string}`;
  yaml: string;
  default: T;
  about: string;
  check: Check<Exclude<T, undefined>>;
  secret?: true;
}

const ROWS: { [K in SettingKey]: Row<SettingValue<K>> } = {
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
  workers: {
    flag: "--workers",
    env: "LOOM_WORKERS",
    yaml: "workers",
    default: 10,
    about: "Jobs this process runs at once; 0 makes it serve HTTP only and run no jobs.",
    check: integer(0, 1000),
  },
  adminToken: {
    // No flag: a command line is visible to every local user through ps.
    env: "LOOM_ADMIN_TOKEN",
    yaml: "admin_token",
    default: undefined,
    about: "Token that guards the admin API.",
    check: secretText(16, "it guards the admin API, so it must resist guessing"),
    secret: true,
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
  maxBodyBytes: {
    env: "LOOM_MAX_BODY_BYTES",
    yaml: "max_body_bytes",
    default: 26_214_400,
    about: "Largest request body accepted, in bytes (25 MiB by default).",
    check: integer(1024, 1_073_741_824),
  },
  rateLimitPerRepo: {
    env: "LOOM_RATE_LIMIT_PER_REPO",
    yaml: "rate_limit_per_repo",
    default: 30,
    about: "Reviews per minute allowed for one repository.",
    check: integer(1, 100_000),
  },
  "llm.baseUrl": {
    env: "LOOM_LLM_BASE_URL",
    yaml: "llm.base_url",
    default: "https://api.openai.com/v1",
    about: "OpenAI-compatible API base URL of the model provider.",
    check: httpUrl,
  },
  "llm.apiKey": {
    env: "LOOM_LLM_API_KEY",
    yaml: "llm.api_key",
    default: undefined,
    about: "API key for the model provider.",
    check: text,
    secret: true,
  },
  "llm.model": {
    env: "LOOM_LLM_MODEL",
    yaml: "llm.model",
    default: "gpt-4o-mini",
    about: "Model used when a repository does not choose one.",
    check: text,
  },
  "llm.allowedKeyEnvs": {
    env: "LOOM_LLM_ALLOWED_KEY_ENVS",
    yaml: "llm.allowed_key_envs",
    default: [],
    about: "Environment variables a repository's config may name as its API key source; " +
      "empty allows none.",
    check: listOf(envName),
  },
  "llm.allowedBaseUrls": {
    env: "LOOM_LLM_ALLOWED_BASE_URLS",
    yaml: "llm.allowed_base_urls",
    default: undefined,
    about: "Base URLs a repository's config may send its model requests to.",
    check: listOf(httpUrlEntry),
  },
  "github.apiUrl": {
    env: "LOOM_GITHUB_API_URL",
    yaml: "github.api_url",
    default: "https://api.github.com",
    about: "GitHub REST API root; for GitHub Enterprise Server, `https://HOST/api/v3`.",
    check: httpUrl,
  },
  "github.webhookSecret": {
    env: "LOOM_GITHUB_WEBHOOK_SECRET",
    yaml: "github.webhook_secret",
    default: undefined,
    about: "Secret of the GitHub webhook (X-Hub-Signature-256); GitHub webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from GitHub"),
    secret: true,
  },
  "github.token": {
    env: "LOOM_GITHUB_TOKEN",
    yaml: "github.token",
    default: undefined,
    about: "GitHub token Loom acts with (needs pull requests: write, contents: read, " +
      "commit statuses: write). Alternatively a GitHub App.",
    check: text,
    secret: true,
  },
  "github.appId": {
    env: "LOOM_GITHUB_APP_ID",
    yaml: "github.app_id",
    default: undefined,
    about: "GitHub App id; with a private key, Loom acts as the App's installation.",
    check: text,
  },
  "github.appPrivateKey": {
    env: "LOOM_GITHUB_APP_PRIVATE_KEY",
    yaml: "github.app_private_key",
    default: undefined,
    about: "The GitHub App's private key (PEM).",
    check: text,
    secret: true,
  },
  "github.appPrivateKeyFile": {
    env: "LOOM_GITHUB_APP_PRIVATE_KEY_FILE",
    yaml: "github.app_private_key_file",
    default: undefined,
    about: "A file holding the GitHub App's private key (PEM).",
    check: text,
  },
  "gitlab.url": {
    env: "LOOM_GITLAB_URL",
    yaml: "gitlab.url",
    default: "https://gitlab.com",
    about: "GitLab instance URL (self-managed instances too).",
    check: httpUrl,
  },
  "gitlab.token": {
    env: "LOOM_GITLAB_TOKEN",
    yaml: "gitlab.token",
    default: undefined,
    about: "GitLab token Loom acts with (scope `api`).",
    check: text,
    secret: true,
  },
  "gitlab.webhookSecret": {
    env: "LOOM_GITLAB_WEBHOOK_SECRET",
    yaml: "gitlab.webhook_secret",
    default: undefined,
    about: "Secret token of the GitLab webhook (X-Gitlab-Token); GitLab webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from GitLab"),
    secret: true,
  },
  "gitea.url": {
    env: "LOOM_GITEA_URL",
    yaml: "gitea.url",
    default: undefined,
    about: "Gitea or Forgejo instance URL, e.g. `https://git.example.com`.",
    check: httpUrl,
  },
  "gitea.token": {
    env: "LOOM_GITEA_TOKEN",
    yaml: "gitea.token",
    default: undefined,
    about: "Gitea or Forgejo access token Loom acts with (repository: read and write).",
    check: text,
    secret: true,
  },
  "gitea.webhookSecret": {
    env: "LOOM_GITEA_WEBHOOK_SECRET",
    yaml: "gitea.webhook_secret",
    default: undefined,
    about: "Secret of the Gitea or Forgejo webhook (HMAC-SHA256); their webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from Gitea or Forgejo"),
    secret: true,
  },
  "bitbucket.apiUrl": {
    env: "LOOM_BITBUCKET_API_URL",
    yaml: "bitbucket.api_url",
    default: "https://api.bitbucket.org/2.0",
    about: "Bitbucket Cloud REST API root.",
    check: httpUrl,
  },
  "bitbucket.token": {
    env: "LOOM_BITBUCKET_TOKEN",
    yaml: "bitbucket.token",
    default: undefined,
    about: "A Bitbucket repository, project or workspace access token (sent as Bearer).",
    check: text,
    secret: true,
  },
  "bitbucket.email": {
    env: "LOOM_BITBUCKET_EMAIL",
    yaml: "bitbucket.email",
    default: undefined,
    about: "Atlassian account email for a user API token (instead of an access token).",
    check: text,
  },
  "bitbucket.apiToken": {
    env: "LOOM_BITBUCKET_API_TOKEN",
    yaml: "bitbucket.api_token",
    default: undefined,
    about: "A user API token, with LOOM_BITBUCKET_EMAIL (Basic auth). App passwords are not " +
      "supported.",
    check: text,
    secret: true,
  },
  "bitbucket.webhookSecret": {
    env: "LOOM_BITBUCKET_WEBHOOK_SECRET",
    yaml: "bitbucket.webhook_secret",
    default: undefined,
    about: "Secret of the Bitbucket webhook (X-Hub-Signature); Bitbucket webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from Bitbucket"),
    secret: true,
  },
  "azureDevops.url": {
    env: "LOOM_AZURE_DEVOPS_URL",
    yaml: "azure_devops.url",
    default: undefined,
    about: "Azure DevOps organization URL, `https://dev.azure.com/ORG`.",
    check: httpUrl,
  },
  "azureDevops.token": {
    env: "LOOM_AZURE_DEVOPS_TOKEN",
    yaml: "azure_devops.token",
    default: undefined,
    about: "Azure DevOps personal access token (Code: read and write; Code status).",
    check: text,
    secret: true,
  },
  "azureDevops.webhookUsername": {
    env: "LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME",
    yaml: "azure_devops.webhook_username",
    default: undefined,
    about: "Basic-auth user name set on the Azure DevOps service hook.",
    check: text,
  },
  "azureDevops.webhookPassword": {
    env: "LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD",
    yaml: "azure_devops.webhook_password",
    default: undefined,
    about: "Basic-auth password set on the service hook; Azure DevOps webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from Azure DevOps"),
    secret: true,
  },
};

type AnyRow = Row<unknown> & { key: string };

const ROW_LIST: readonly AnyRow[] = Object.entries(ROWS).map(([key, row]) => ({
  key,
  ...(row as Row<unknown>),
}));

/**
 * Every setting with its flag, environment variable, YAML key, default and description, in
 * README order. The single source for both validation and documentation.
 */
export const SETTINGS_TABLE: readonly SettingDoc[] = ROW_LIST.map((row) => ({
  key: row.key,
  ...(row.flag ? { flag: row.flag } : {}),
  env: row.env,
  yaml: row.yaml,
  default: row.default as SettingDoc["default"],
  description: [row.about, row.check.rule].filter(Boolean).join(" "),
  secret: row.secret === true,
}));

// ---------------------------------------------------------------------------------------------
// Loading.

const DEFAULT_CONFIG_PATH = "loom.yaml";

/**
 * Reads settings from flags, environment and `loom.yaml` (in that order of precedence) and
 * validates them, collecting every problem rather than stopping at the first.
 *
 * The file is the one named by `--config` or `LOOM_CONFIG`, which must exist; otherwise
 * `./loom.yaml` is read if it exists. Unknown keys in the file are problems, since a misspelt key
 * would otherwise be silently ignored.
 *
 * @example
 * ```ts
 * const result = loadSettings({
 *   flags: { port: "9000" },
 *   env: Deno.env.toObject(),
 *   readFile: (path) => { try { return Deno.readTextFileSync(path); } catch (e) {
 *     if (e instanceof Deno.errors.NotFound) return null; throw e; } },
 * });
 * if (!result.ok) { console.error(formatProblems(result.problems)); Deno.exit(2); }
 * ```
 */
export function loadSettings(input: SettingsInput): SettingsResult {
  const problems: SettingProblem[] = [];
  const file = readConfigFile(input, problems);

  const settings: Record<string, unknown> = {};
  for (const row of ROW_LIST) {
    // A group exists even when all its settings are unset (`settings.gitea.url` is undefined,
    // not a crash).
    const group = row.key.split(".");
    if (group.length > 1) settings[group[0]] ??= {};
    const given = pickSource(row, input, file);
    if (given === undefined) {
      if (row.default !== undefined) setPath(settings, row.key, structuredClone(row.default));
      continue;
    }
    const parsed = row.check.schema.safeParse(given.raw);
    if (parsed.success) {
      setPath(settings, row.key, parsed.data);
    } else {
      const messages = [...new Set(parsed.error.issues.map((issue) => issue.message))];
      problems.push({
        name: given.name,
        value: shown(given.raw, row.secret === true),
        message: messages.join("; "),
      });
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: settings as unknown as Settings };
}

interface ConfigFile {
  /** How problems name a key in this file: the path as the operator gave it. */
  label: string;
  values: Map<string, unknown>;
}

interface Given {
  name: string;
  raw: unknown;
}

function pickSource(row: AnyRow, input: SettingsInput, file: ConfigFile): Given | undefined {
  if (row.flag) {
    const value = input.flags[row.flag.slice(2)];
    if (value !== undefined) return { name: row.flag, raw: value };
  }
  const fromEnv = input.env[row.env];
  if (fromEnv !== undefined) return { name: row.env, raw: fromEnv };
  if (file.values.has(row.yaml)) {
    return { name: `${file.label}: ${row.yaml}`, raw: file.values.get(row.yaml) };
  }
  return undefined;
}

function readConfigFile(input: SettingsInput, problems: SettingProblem[]): ConfigFile {
  const explicit = input.flags.config !== undefined
    ? { name: "--config", path: input.flags.config }
    : input.env.LOOM_CONFIG !== undefined
    ? { name: "LOOM_CONFIG", path: input.env.LOOM_CONFIG }
    : undefined;
  const path = explicit?.path ?? DEFAULT_CONFIG_PATH;
  const empty: ConfigFile = { label: path, values: new Map() };

  let source: string | null;
  try {
    source = input.readFile(path);
  } catch (error) {
    problems.push({
      name: explicit?.name ?? path,
      value: path,
      message: `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    });
    return empty;
  }
  if (source === null) {
    // Only a file the operator asked for must exist; the default one is optional.
    if (explicit) problems.push({ name: explicit.name, value: path, message: "file not found" });
    return empty;
  }
  return { label: path, values: parseConfig(path, source, problems) };
}

const YAML_KEYS = new Set(ROW_LIST.map((row) => row.yaml));
const YAML_GROUPS = new Set(
  ROW_LIST.flatMap((row) => {
    const parts = row.yaml.split(".");
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("."));
  }),
);

/** Flattens the file to dotted keys, reporting syntax errors and keys no setting reads. */
function parseConfig(label: string, source: string, problems: SettingProblem[]) {
  const values = new Map<string, unknown>();
  const doc = parseDocument(source);
  const syntax = doc.errors[0];
  if (syntax) {
    const where = syntax.linePos ? ` line ${syntax.linePos[0].line}` : "";
    // yaml appends an excerpt of the offending line, which may hold a secret; keep the sentence.
    const sentence = syntax.message.split(/ at line \d+|\n/)[0];
    problems.push({ name: `${label}${where}`, message: `YAML syntax error: ${sentence}` });
    return values;
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // Unresolved or excessive aliases surface only when the document is materialised.
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ name: label, message: `YAML error: ${message}` });
    return values;
  }
  if (data === null || data === undefined) return values;
  if (!isMapping(data)) {
    problems.push({ name: label, message: "must be a mapping of setting names to values" });
    return values;
  }

  const walk = (mapping: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(mapping)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (YAML_KEYS.has(path)) {
        // An empty value (`key:`) reads as "not set", the way templates leave a blank to fill.
        if (value !== null) values.set(path, value);
      } else if (YAML_GROUPS.has(path)) {
        if (isMapping(value)) walk(value, path);
        else if (value !== null) {
          problems.push({ name: `${label}: ${path}`, message: "must be a mapping" });
        }
      } else {
        problems.push({ name: `${label}: ${path}`, message: unknownKeyMessage(path) });
      }
    }
  };
  walk(data, "");
  return values;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Map) && !(value instanceof Set);
}

function unknownKeyMessage(path: string): string {
  // camelCase, stray case and one-letter slips are the usual typos; suggest the key meant.
  const fold = (s: string) => s.replaceAll("_", "").toLowerCase();
  const candidates = [...YAML_KEYS, ...YAML_GROUPS]
    .map((known) => ({ known, distance: editDistance(fold(known), fold(path)) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance);
  return candidates.length > 0
    ? `unknown setting; did you mean ${candidates[0].known}?`
    : "unknown setting (see the settings table in the README)";
}

/** Edits (insert, delete, substitute, swap neighbours) turning `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

// ---------------------------------------------------------------------------------------------
// Showing.

const SECRET_MASK = "***";

// A database or API URL may carry a password (postgres://user:pw@host/db); it is as secret as any
// token, though the setting as a whole is not.
function maskUrlPassword(value: string): string {
  return value.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, `$1${SECRET_MASK}@`);
}

function shown(value: unknown, secret: boolean): string {
  if (secret) return SECRET_MASK;
  return maskUrlPassword(typeof value === "string" ? value : JSON.stringify(value) ?? "");
}

/**
 * Renders problems one per line, value quoted so blanks and spaces are visible.
 *
 * @example
 * ```ts
 * formatProblems([{ name: "LOOM_PORT", value: "abc", message: "must be an integer between 0 and 65535" }]);
 * // LOOM_PORT="abc": must be an integer between 0 and 65535
 * ```
 */
export function formatProblems(problems: SettingProblem[]): string {
  return problems
    .map((p) =>
      p.value === undefined
        ? `${p.name}: ${p.message}`
        : `${p.name}=${JSON.stringify(p.value)}: ${p.message}`
    )
    .join("\n");
}

/**
 * The settings as safe to log at start: secrets set are shown as `***` (unset ones stay absent,
 * so the line still tells whether they are configured) and passwords inside URLs are masked.
 */
export function redactedSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of ROW_LIST) {
    const value = getPath(settings, row.key);
    if (value === undefined) continue;
    setPath(out, row.key, row.secret ? SECRET_MASK : maskUrls(value));
  }
  return out;
}

function maskUrls(value: unknown): unknown {
  if (typeof value === "string") return maskUrlPassword(value);
  if (Array.isArray(value)) return value.map(maskUrls);
  return value;
}

function getPath(source: Settings, path: string): unknown {
  let node: unknown = source;
  for (const part of path.split(".")) {
    node = isMapping(node) ? node[part] : undefined;
  }
  return node;
}

/**
 * The README's settings table in Markdown, generated from {@link SETTINGS_TABLE} so the docs
 * always match what the server accepts.
 */
export function settingsMarkdownTable(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const code = (s: string) => `\`${s}\``;
  const lines = [
    "| Flag | Environment | loom.yaml | Default | Description |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const row of SETTINGS_TABLE) {
    const cells = [
      row.flag ? code(row.flag) : "",
      code(row.env),
      code(row.yaml),
      showDefault(row.default),
      row.description,
    ];
    lines.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  return lines.join("\n");
}

function showDefault(value: SettingDoc["default"]): string {
  if (value === undefined) return "(unset)";
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : `\`${value.join(",")}\``;
  return `\`${value}\``;
}
