import assert from "node:assert/strict";
import {
  formatProblems,
  loadSettings,
  redactedSettings,
  type SettingProblem,
  type Settings,
  SETTINGS_TABLE,
  settingsMarkdownTable,
} from "./settings.ts";

interface Fake {
  flags?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
}

function load({ flags = {}, env = {}, files = {} }: Fake) {
  return loadSettings({ flags, env, readFile: (path) => files[path] ?? null });
}

function settingsOf(fake: Fake): Settings {
  const result = load(fake);
  if (!result.ok) assert.fail(`unexpected problems:\n${formatProblems(result.problems)}`);
  return result.settings;
}

function problemsOf(fake: Fake): SettingProblem[] {
  const result = load(fake);
  if (result.ok) assert.fail("expected problems, got valid settings");
  return result.problems;
}

const TOKEN = "s3cret-admin-token-0123456789";
const API_KEY = "sk-live-very-secret-key";

Deno.test("with nothing given, every setting takes its documented default", () => {
  assert.deepEqual(settingsOf({}), {
    port: 8080,
    host: "0.0.0.0",
    dbUrl: "file:./loom.db",
    workers: 10,
    shutdownGraceS: 30,
    logLevel: "info",
    leaseS: 30,
    pollIntervalMs: 1000,
    maxBodyBytes: 26_214_400,
    rateLimitPerRepo: 30,
    llm: { baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini", allowedKeyEnvs: [] },
    github: { apiUrl: "https://api.github.com" },
    gitlab: { url: "https://gitlab.com" },
    gitea: {},
    bitbucket: { apiUrl: "https://api.bitbucket.org/2.0" },
    azureDevops: {},
  });
});

Deno.test("a flag beats the environment, which beats loom.yaml, which beats the default", () => {
  const files = { "loom.yaml": "port: 7000\nhost: 127.0.0.1\nworkers: 3\n" };
  const env = { LOOM_PORT: "7100", LOOM_HOST: "10.0.0.1" };
  const s = settingsOf({ flags: { port: "7200" }, env, files });
  assert.equal(s.port, 7200);
  assert.equal(s.host, "10.0.0.1");
  assert.equal(s.workers, 3);
  assert.equal(s.logLevel, "info");
});

Deno.test("a bad value is reported under the source that supplied it", () => {
  const files = { "loom.yaml": "port: 70000\n" };
  const fromFlag = problemsOf({ flags: { port: "x" }, env: { LOOM_PORT: "9000" }, files });
  assert.deepEqual(fromFlag.map((p) => p.name), ["--port"]);
  const fromEnv = problemsOf({ env: { LOOM_PORT: "abc" }, files });
  assert.deepEqual(fromEnv.map((p) => p.name), ["LOOM_PORT"]);
  const fromFile = problemsOf({ files });
  assert.deepEqual(fromFile, [
    { name: "loom.yaml: port", value: "70000", message: "must be an integer between 0 and 65535" },
  ]);
});

Deno.test("a value overridden by a higher source is not validated", () => {
  const s = settingsOf({ flags: { port: "9000" }, env: { LOOM_PORT: "not-a-port" } });
  assert.equal(s.port, 9000);
});

Deno.test("integers from flags and variables are parsed strictly", () => {
  for (const bad of ["80x", "", "8.5", " 8080", "0x1F", "1e3", "-1", "65536"]) {
    const problems = problemsOf({ env: { LOOM_PORT: bad } });
    assert.deepEqual(problems, [{
      name: "LOOM_PORT",
      value: bad,
      message: "must be an integer between 0 and 65535",
    }], `LOOM_PORT=${JSON.stringify(bad)}`);
  }
  assert.equal(settingsOf({ env: { LOOM_PORT: "0" } }).port, 0);
  assert.equal(settingsOf({ flags: { port: "65535" } }).port, 65535);
});

Deno.test("workers may be 0 (HTTP only) but not above 1000", () => {
  assert.equal(settingsOf({ flags: { workers: "0" } }).workers, 0);
  assert.equal(
    problemsOf({ flags: { workers: "1001" } })[0].message,
    "must be an integer between 0 and 1000",
  );
});

Deno.test("every problem is reported at once", () => {
  const problems = problemsOf({
    flags: { port: "abc", "log-level": "verbose" },
    env: { LOOM_WORKERS: "-2", LOOM_DB_URL: "mysql://db/loom" },
    files: { "loom.yaml": "llm:\n  base_url: ftp://models\n" },
  });
  assert.deepEqual(problems.map((p) => p.name).sort(), [
    "--log-level",
    "--port",
    "LOOM_DB_URL",
    "LOOM_WORKERS",
    "loom.yaml: llm.base_url",
  ]);
  const level = problems.find((p) => p.name === "--log-level");
  assert.equal(level?.message, "must be one of debug, info, warn, error");
});

Deno.test("database URLs: files, memory and PostgreSQL are accepted, others are not", () => {
  for (
    const good of ["file:./loom.db", "file:/data/loom.db", ":memory:", "postgres://u@h:5432/db"]
  ) {
    assert.equal(settingsOf({ flags: { db: good } }).dbUrl, good);
  }
  assert.equal(
    settingsOf({ env: { LOOM_DB_URL: "postgresql://h/db" } }).dbUrl,
    "postgresql://h/db",
  );
  for (const bad of ["loom.db", "file:", "sqlite://x", "postgres:/x", "memory", ""]) {
    const [problem] = problemsOf({ flags: { db: bad } });
    assert.equal(
      problem.message,
      "must be file:PATH, :memory:, or a postgres:// or postgresql:// URL",
    );
  }
});

Deno.test("loom.yaml sets nested model settings and lists", () => {
  const files = {
    "loom.yaml": [
      "llm:",
      "  base_url: http://127.0.0.1:11434/v1",
      "  model: qwen2.5-coder",
      "  allowed_key_envs: [OPENAI_API_KEY, ANTHROPIC_KEY]",
      "  allowed_base_urls:",
      "    - https://api.openai.com/v1",
      "log_level: debug",
    ].join("\n"),
  };
  const s = settingsOf({ files });
  assert.deepEqual(s.llm, {
    baseUrl: "http://127.0.0.1:11434/v1",
    model: "qwen2.5-coder",
    allowedKeyEnvs: ["OPENAI_API_KEY", "ANTHROPIC_KEY"],
    allowedBaseUrls: ["https://api.openai.com/v1"],
  });
  assert.equal(s.logLevel, "debug");
});

Deno.test("lists from variables are comma-separated, and each entry is checked", () => {
  const s = settingsOf({
    env: { LOOM_LLM_ALLOWED_KEY_ENVS: " A_KEY, B_KEY ,", LOOM_LLM_ALLOWED_BASE_URLS: "" },
  });
  assert.deepEqual(s.llm.allowedKeyEnvs, ["A_KEY", "B_KEY"]);
  assert.deepEqual(s.llm.allowedBaseUrls, []);

  const problems = problemsOf({
    env: {
      LOOM_LLM_ALLOWED_KEY_ENVS: "GOOD,not-a-name",
      LOOM_LLM_ALLOWED_BASE_URLS: "https://ok.example,file:///etc/passwd",
    },
  });
  assert.deepEqual(problems.map((p) => p.message), [
    'entry "not-a-name" is not an environment variable name',
    'entry "file:///etc/passwd" is not an http:// or https:// URL',
  ]);
});

Deno.test("--config names the file to read, and it must exist", () => {
  const files = { "/etc/loom/prod.yaml": "workers: 2\n", "loom.yaml": "workers: 5\n" };
  assert.equal(settingsOf({ flags: { config: "/etc/loom/prod.yaml" }, files }).workers, 2);
  assert.equal(settingsOf({ env: { LOOM_CONFIG: "/etc/loom/prod.yaml" }, files }).workers, 2);
  assert.deepEqual(problemsOf({ flags: { config: "/nope.yaml" } }), [
    { name: "--config", value: "/nope.yaml", message: "file not found" },
  ]);
  assert.deepEqual(problemsOf({ env: { LOOM_CONFIG: "/nope.yaml" } }), [
    { name: "LOOM_CONFIG", value: "/nope.yaml", message: "file not found" },
  ]);
});

Deno.test("problems in a file named by --config carry its path", () => {
  const files = { "/etc/loom/prod.yaml": "workers: many\n" };
  const [problem] = problemsOf({ flags: { config: "/etc/loom/prod.yaml" }, files });
  assert.equal(problem.name, "/etc/loom/prod.yaml: workers");
});

Deno.test("a config file that cannot be read is a problem, not a crash", () => {
  const result = loadSettings({
    flags: {},
    env: {},
    readFile: () => {
      throw new Error("permission denied");
    },
  });
  assert.equal(result.ok, false);
  assert.match(formatProblems(!result.ok ? result.problems : []), /permission denied/);
});

Deno.test("unknown keys in loom.yaml are problems, with a hint for near misses", () => {
  const files = {
    "loom.yaml": [
      "prot: 1",
      "dbUrl: file:x.db",
      "worker: 2",
      "llm:",
      "  baseUrl: https://x",
      "  temperature: 0",
    ].join("\n"),
  };
  assert.deepEqual(problemsOf({ files }), [
    { name: "loom.yaml: prot", message: "unknown setting; did you mean port?" },
    { name: "loom.yaml: dbUrl", message: "unknown setting; did you mean db_url?" },
    { name: "loom.yaml: worker", message: "unknown setting; did you mean workers?" },
    { name: "loom.yaml: llm.baseUrl", message: "unknown setting; did you mean llm.base_url?" },
    {
      name: "loom.yaml: llm.temperature",
      message: "unknown setting (see the settings table in the README)",
    },
  ]);
});

Deno.test("a YAML syntax error is one problem naming its line, alongside other problems", () => {
  const files = { "loom.yaml": `port: 8080\nadmin_token: ${TOKEN}: oops\n` };
  const problems = problemsOf({ env: { LOOM_WORKERS: "lots" }, files });
  assert.equal(problems.length, 2);
  const syntax = problems.find((p) => p.name.startsWith("loom.yaml"));
  assert.equal(syntax?.name, "loom.yaml line 2");
  assert.match(syntax?.message ?? "", /^YAML syntax error: /);
  assert.ok(!formatProblems(problems).includes(TOKEN), "the excerpt of the bad line is dropped");
});

Deno.test("loom.yaml must be a mapping, and so must its groups", () => {
  assert.deepEqual(problemsOf({ files: { "loom.yaml": "- port\n" } }), [
    { name: "loom.yaml", message: "must be a mapping of setting names to values" },
  ]);
  assert.deepEqual(problemsOf({ files: { "loom.yaml": "llm: gpt-4o\n" } }), [
    { name: "loom.yaml: llm", message: "must be a mapping" },
  ]);
});

Deno.test("an empty loom.yaml, or an empty key in it, leaves the defaults", () => {
  assert.equal(settingsOf({ files: { "loom.yaml": "" } }).port, 8080);
  assert.equal(settingsOf({ files: { "loom.yaml": "# nothing yet\n" } }).port, 8080);
  const s = settingsOf({ files: { "loom.yaml": "admin_token:\nllm:\n" } });
  assert.equal(s.adminToken, undefined);
  assert.equal(s.llm.model, "gpt-4o-mini");
});

Deno.test("YAML values must have the right type; quoted numbers are read like variables", () => {
  assert.equal(settingsOf({ files: { "loom.yaml": 'port: "9090"\n' } }).port, 9090);
  assert.deepEqual(problemsOf({ files: { "loom.yaml": "port: 80.5\nhost: 8080\n" } }), [
    { name: "loom.yaml: port", value: "80.5", message: "must be an integer between 0 and 65535" },
    { name: "loom.yaml: host", value: "8080", message: "must be a string" },
  ]);
});

Deno.test("a short admin token is refused, explaining why, without echoing it", () => {
  const problems = problemsOf({ env: { LOOM_ADMIN_TOKEN: "short-token" } });
  assert.deepEqual(problems, [{
    name: "LOOM_ADMIN_TOKEN",
    value: "***",
    message: "must be at least 16 characters: it guards the admin API, so it must resist guessing",
  }]);
  assert.equal(settingsOf({ env: { LOOM_ADMIN_TOKEN: TOKEN } }).adminToken, TOKEN);
});

Deno.test("secrets of the wrong type in loom.yaml are masked too", () => {
  const files = { "loom.yaml": "admin_token: 123456789012345678\nllm:\n  api_key: [a, b]\n" };
  const problems = problemsOf({ files });
  assert.deepEqual(problems.map((p) => [p.name, p.value]), [
    ["loom.yaml: admin_token", "***"],
    ["loom.yaml: llm.api_key", "***"],
  ]);
});

Deno.test("a password inside a database URL is masked in problems", () => {
  const [problem] = problemsOf({ env: { LOOM_DB_URL: "postgress://loom:hunter2@db/loom" } });
  assert.equal(problem.value, "postgress://loom:***@db/loom");
});

Deno.test("formatProblems writes one line per problem with the value quoted", () => {
  assert.equal(
    formatProblems([
      { name: "LOOM_PORT", value: "abc", message: "must be an integer between 0 and 65535" },
      { name: "loom.yaml line 3", message: "YAML syntax error: bad indentation" },
      { name: "--host", value: "", message: "must not be empty" },
    ]),
    [
      'LOOM_PORT="abc": must be an integer between 0 and 65535',
      "loom.yaml line 3: YAML syntax error: bad indentation",
      '--host="": must not be empty',
    ].join("\n"),
  );
});

Deno.test("the redacted view hides secrets and URL passwords but keeps everything else", () => {
  const s = settingsOf({
    env: {
      LOOM_ADMIN_TOKEN: TOKEN,
      LOOM_LLM_API_KEY: API_KEY,
      LOOM_DB_URL: "postgres://loom:hunter2@db:5432/loom",
    },
  });
  const shown = redactedSettings(s);
  const text = JSON.stringify(shown);
  for (const secret of [TOKEN, API_KEY, "hunter2"]) assert.ok(!text.includes(secret), secret);
  assert.equal(shown.adminToken, "***");
  assert.equal(shown.dbUrl, "postgres://loom:***@db:5432/loom");
  assert.equal(shown.port, 8080);
  assert.deepEqual((shown.llm as Record<string, unknown>).apiKey, "***");
  assert.equal(s.llm.apiKey, API_KEY, "redacting does not alter the settings themselves");
});

Deno.test("the redacted view leaves unset secrets absent, so the log tells they are unset", () => {
  const shown = redactedSettings(settingsOf({}));
  assert.equal("adminToken" in shown, false);
  assert.equal("apiKey" in (shown.llm as Record<string, unknown>), false);
});

Deno.test("every row of the table is read from its variable and its YAML key", () => {
  // Per setting: a valid non-default value as a variable, and the same value written in YAML.
  const samples: Record<string, [string, string]> = {
    port: ["9001", "9001"],
    host: ["127.0.0.1", "127.0.0.1"],
    dbUrl: [":memory:", '":memory:"'],
    workers: ["4", "4"],
    adminToken: [TOKEN, TOKEN],
    shutdownGraceS: ["5", "5"],
    logLevel: ["warn", "warn"],
    leaseS: ["60", "60"],
    pollIntervalMs: ["250", "250"],
    maxBodyBytes: ["2048", "2048"],
    rateLimitPerRepo: ["7", "7"],
    "llm.baseUrl": ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"],
    "llm.apiKey": [API_KEY, API_KEY],
    "llm.model": ["m", "m"],
    "llm.allowedKeyEnvs": ["K1,K2", "[K1, K2]"],
    "llm.allowedBaseUrls": ["https://a.example", "[https://a.example]"],
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
  assert.deepEqual(SETTINGS_TABLE.map((r) => r.key).sort(), Object.keys(samples).sort());

  const env = Object.fromEntries(SETTINGS_TABLE.map((r) => [r.env, samples[r.key][0]]));
  const top: string[] = [];
  const nested = new Map<string, string[]>();
  for (const row of SETTINGS_TABLE) {
    const [group, key] = row.yaml.split(".");
    const yamlValue = samples[row.key][1];
    if (key) nested.set(group, [...(nested.get(group) ?? []), `  ${key}: ${yamlValue}`]);
    else top.push(`${group}: ${yamlValue}`);
  }
  const yaml = [...top, ...[...nested].flatMap(([g, lines]) => [`${g}:`, ...lines])].join("\n");

  const fromEnv = settingsOf({ env });
  assert.deepEqual(settingsOf({ files: { "loom.yaml": yaml } }), fromEnv);
  const defaults = settingsOf({});
  for (const row of SETTINGS_TABLE) {
    const [group, key] = row.key.split(".");
    const pick = (s: Settings) =>
      key
        ? (s[group as keyof Settings] as Record<string, unknown>)[key]
        : s[group as keyof Settings];
    assert.notDeepEqual(pick(fromEnv), pick(defaults), `${row.env} had no effect`);
  }
});

Deno.test("secrets have no command-line flag, since ps shows command lines to every user", () => {
  for (const row of SETTINGS_TABLE.filter((r) => r.secret)) assert.equal(row.flag, undefined);
});

Deno.test("the README table has a row per setting, with flag, variable, key and default", () => {
  const lines = settingsMarkdownTable().split("\n");
  assert.equal(lines[0], "| Flag | Environment | loom.yaml | Default | Description |");
  assert.equal(lines.length, 2 + SETTINGS_TABLE.length);
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
  const example = await Deno.readTextFile(new URL("../deploy/loom.env.example", import.meta.url));
  for (const row of SETTINGS_TABLE) {
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
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.ok(
    squeeze(readme).includes(squeeze(settingsMarkdownTable())),
    "README.md is out of date: paste settingsMarkdownTable() into its Settings section",
  );
});
