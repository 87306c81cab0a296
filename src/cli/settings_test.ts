import assert from "node:assert/strict";
import { PLATFORM_SETTINGS } from "../../adapters/mod.ts";
import { type Settings, settingsMarkdownTable, settingsTable } from "../settings/mod.ts";
import { settingsOf } from "../../tests/support/settings.ts";

// The whole table: the core settings and every platform's, as the commands load them.
const TABLE = settingsTable(PLATFORM_SETTINGS);

const TOKEN = "s3cret-admin-token-0123456789";
const API_KEY = "sk-live-very-secret-key";

Deno.test("with nothing given, every setting takes its documented default", () => {
  assert.deepEqual(settingsOf({}, PLATFORM_SETTINGS), {
    port: 8080,
    host: "0.0.0.0",
    dbUrl: "file:./loom.db",
    dbPoolSize: 10,
    workers: 10,
    sqliteSynchronous: "normal",
    workerThreads: 1,
    workerThreadNice: 10,
    shutdownGraceS: 30,
    logLevel: "info",
    leaseS: 30,
    pollIntervalMs: 1000,
    maxRateLimitWaitS: 3600,
    maxBodyBytes: 26_214_400,
    maxDiffBytes: 5_242_880,
    maxLlmCalls: 50,
    maxTokens: 16_384,
    maxContextWindow: 200_000,
    maxTimeoutS: 600,
    maxInlineComments: 50,
    maxPipelines: 10,
    maxJobRunS: 1800,
    rateLimitPerRepo: 30,
    rateLimitPerUser: 60,
    rateLimitCommandsPerPr: 20,
    commandsFrom: "writers",
    dashboardSessionH: 12,
    retentionDays: 30,
    retentionReviewsDays: 365,
    backupIntervalH: 24,
    backupKeep: 7,
    llm: {
      baseUrl: "https://api.openai.com/v1",
      model: "gpt-4o-mini",
      keys: [],
      allowedKeyEnvs: [],
      maxResponseBytes: 4_194_304,
      maxConcurrency: 4,
    },
    github: { apiUrl: "https://api.github.com" },
    gitlab: { url: "https://gitlab.com" },
    gitea: {},
    bitbucket: { apiUrl: "https://api.bitbucket.org/2.0" },
    azureDevops: {},
  });
});

Deno.test("every row of the table is read from its variable and its YAML key", () => {
  // Per setting: a valid non-default value as a variable, and the same value written in YAML.
  const samples: Record<string, [string, string]> = {
    port: ["9001", "9001"],
    host: ["127.0.0.1", "127.0.0.1"],
    dbUrl: [":memory:", '":memory:"'],
    dbPoolSize: ["3", "3"],
    workers: ["4", "4"],
    workerThreads: ["2", "2"],
    sqliteSynchronous: ["full", "full"],
    workerThreadNice: ["5", "5"],
    adminToken: [TOKEN, TOKEN],
    viewerToken: ["viewer-token-0123456789", "viewer-token-0123456789"],
    dashboardSessionH: ["48", "48"],
    shutdownGraceS: ["5", "5"],
    logLevel: ["warn", "warn"],
    leaseS: ["60", "60"],
    pollIntervalMs: ["250", "250"],
    maxRateLimitWaitS: ["600", "600"],
    maxBodyBytes: ["2048", "2048"],
    maxDiffBytes: ["4096", "4096"],
    maxLlmCalls: ["20", "20"],
    maxTokens: ["4096", "4096"],
    maxContextWindow: ["65536", "65536"],
    maxTimeoutS: ["60", "60"],
    maxInlineComments: ["5", "5"],
    maxPipelines: ["3", "3"],
    maxJobRunS: ["120", "120"],
    rateLimitPerRepo: ["7", "7"],
    rateLimitPerUser: ["9", "9"],
    rateLimitCommandsPerPr: ["4", "4"],
    commandsFrom: ["anyone", "anyone"],
    retentionDays: ["7", "7"],
    retentionReviewsDays: ["90", "90"],
    backupDir: ["/data/backups", "/data/backups"],
    backupIntervalH: ["6", "6"],
    backupKeep: ["3", "3"],
    budgetDailyUsd: ["2.5", "2.5"],
    budgets: ['{"octo/app": {"daily_usd": 5}}', "{octo/app: {daily_usd: 5}}"],
    budgetFallbackModel: ["gpt-4o-mini", "gpt-4o-mini"],
    "llm.baseUrl": ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"],
    "llm.apiKey": [API_KEY, API_KEY],
    "llm.model": ["m", "m"],
    "llm.keys": ["K1=https://a.example/v1", "[K1=https://a.example/v1]"],
    "llm.allowedKeyEnvs": ["K1,K2", "[K1, K2]"],
    "llm.allowedBaseUrls": ["https://a.example", "[https://a.example]"],
    "llm.maxResponseBytes": ["100000", "100000"],
    "llm.maxConcurrency": ["8", "8"],
    "llm.prices": ['{"m": {"input": 1, "output": 2}}', "{m: {input: 1, output: 2}}"],
    "github.apiUrl": ["https://ghe.example/api/v3", "https://ghe.example/api/v3"],
    "github.webhookSecret": ["hook-secret-123", "hook-secret-123"],
    "github.token": ["ghp_token", "ghp_token"],
    "github.appId": ["12345", '"12345"'],
    "github.appPrivateKey": ["PEM", "PEM"],
    "github.appPrivateKeyFile": ["/etc/loom/app.pem", "/etc/loom/app.pem"],
    "gitlab.url": ["https://gitlab.example", "https://gitlab.example"],
    "gitlab.token": ["glpat-x", "glpat-x"],
    "gitlab.webhookSecret": ["hook-secret-123", "hook-secret-123"],
    "gitea.url": ["https://git.example", "https://git.example"],
    "gitea.token": ["gitea-token", "gitea-token"],
    "gitea.webhookSecret": ["hook-secret-123", "hook-secret-123"],
    "bitbucket.apiUrl": ["https://bb.example/2.0", "https://bb.example/2.0"],
    "bitbucket.token": ["bb-token", "bb-token"],
    "bitbucket.email": ["dev@example.com", "dev@example.com"],
    "bitbucket.apiToken": ["bb-api-token", "bb-api-token"],
    "bitbucket.webhookSecret": ["hook-secret-123", "hook-secret-123"],
    "azureDevops.url": ["https://dev.azure.com/org", "https://dev.azure.com/org"],
    "azureDevops.token": ["ado-pat", "ado-pat"],
    "azureDevops.webhookUsername": ["loom", "loom"],
    "azureDevops.webhookPassword": ["hook-secret-123", "hook-secret-123"],
  };
  assert.deepEqual(TABLE.map((r) => r.key).sort(), Object.keys(samples).sort());

  const env = Object.fromEntries(TABLE.map((r) => [r.env, samples[r.key][0]]));
  const top: string[] = [];
  const nested = new Map<string, string[]>();
  for (const row of TABLE) {
    const [group, key] = row.yaml.split(".");
    const yamlValue = samples[row.key][1];
    if (key) nested.set(group, [...(nested.get(group) ?? []), `  ${key}: ${yamlValue}`]);
    else top.push(`${group}: ${yamlValue}`);
  }
  const yaml = [...top, ...[...nested].flatMap(([g, lines]) => [`${g}:`, ...lines])].join("\n");

  const fromEnv = settingsOf({ env }, PLATFORM_SETTINGS);
  assert.deepEqual(settingsOf({ files: { "loom.yaml": yaml } }, PLATFORM_SETTINGS), fromEnv);
  const defaults = settingsOf({}, PLATFORM_SETTINGS);
  for (const row of TABLE) {
    const pick = (s: Settings) =>
      row.key.split(".").reduce<unknown>(
        (node, part) => (node as Record<string, unknown>)[part],
        s,
      );
    assert.notDeepEqual(pick(fromEnv), pick(defaults), `${row.env} had no effect`);
  }
});

Deno.test("secrets have no command-line flag, since ps shows command lines to every user", () => {
  for (const row of TABLE.filter((r) => r.secret)) assert.equal(row.flag, undefined);
});

Deno.test("the README table has a row per setting, with flag, variable, key and default", () => {
  const lines = settingsMarkdownTable(PLATFORM_SETTINGS).split("\n");
  assert.equal(lines[0], "| Flag | Environment | loom.yaml | Default | Description |");
  assert.equal(lines.length, 2 + TABLE.length);
  const port = lines.find((l) => l.includes("`LOOM_PORT`"));
  assert.match(port ?? "", /^\| `--port` \| `LOOM_PORT` \| `port` \| `8080` \| .*0 to 65535\. \|$/);
  const token = lines.find((l) => l.includes("`LOOM_ADMIN_TOKEN`"));
  assert.ok(
    token?.startsWith("|  | `LOOM_ADMIN_TOKEN` | `admin_token` | (unset) |"),
    token ?? "no row",
  );
  for (const line of lines) assert.equal(line.split(/(?<!\\)\|/).length, 7, line);
});

Deno.test("deploy/loom.env.example lists every variable with its current default", async () => {
  const example = await Deno.readTextFile(
    new URL("../../deploy/loom.env.example", import.meta.url),
  );
  for (const row of TABLE) {
    const line = example.split("\n").find((l) => l.replace(/^#/, "").startsWith(`${row.env}=`));
    assert.ok(line, `${row.env} is missing from loom.env.example`);
    const shown = line.replace(/^#?[A-Z_]+=/, "");
    const expected = row.default === undefined
      ? ""
      : Array.isArray(row.default)
      ? row.default.join(",")
      : String(row.default);
    assert.equal(shown, expected, `${row.env} default`);
  }
});

Deno.test("the README's settings table is the one generated from the settings", async () => {
  // deno fmt pads table cells, so compare with the padding squeezed out.
  const squeeze = (text: string) =>
    text.split("\n").map((l) => l.replace(/\s*\|\s*/g, "|").replace(/-{3,}/g, "---")).join("\n");
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.ok(
    squeeze(readme).includes(squeeze(settingsMarkdownTable(PLATFORM_SETTINGS))),
    "README.md is out of date: paste settingsMarkdownTable(PLATFORM_SETTINGS) into its Settings section",
  );
});
