import assert from "node:assert/strict";
import { loadSettings } from "./load.ts";
import { formatProblems } from "./problem.ts";
import { problemsOf, settingsOf } from "../../tests/support/settings.ts";

const TOKEN = "s3cret-admin-token-0123456789";

Deno.test("loom.yaml sets nested model settings and lists", () => {
  const files = {
    "loom.yaml": [
      "llm:",
      "  base_url: http://127.0.0.1:11434/v1",
      "  model: qwen2.5-coder",
      "  max_concurrency: 2",
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
    keys: [],
    allowedKeyEnvs: ["OPENAI_API_KEY", "ANTHROPIC_KEY"],
    allowedBaseUrls: ["https://api.openai.com/v1"],
    maxResponseBytes: 4_194_304,
    maxConcurrency: 2,
  });
  assert.equal(s.logLevel, "debug");
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
    groups: [],
  });
  assert.equal(result.ok, false);
  assert.match(formatProblems(!result.ok ? result.problems : []), /permission denied/);
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
