import assert from "node:assert/strict";
import { redactedSettings } from "./redact.ts";
import { problemsOf, settingsOf } from "../../tests/support/settings.ts";

const TOKEN = "s3cret-admin-token-0123456789";
const API_KEY = "sk-live-very-secret-key";

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

Deno.test("the redacted view hides secrets and URL passwords but keeps everything else", () => {
  const s = settingsOf({
    env: {
      LOOM_ADMIN_TOKEN: TOKEN,
      LOOM_LLM_API_KEY: API_KEY,
      LOOM_DB_URL: "postgres://loom:hunter2@db:5432/loom",
    },
  });
  const shown = redactedSettings(s, []);
  const text = JSON.stringify(shown);
  for (const secret of [TOKEN, API_KEY, "hunter2"]) assert.ok(!text.includes(secret), secret);
  assert.equal(shown.adminToken, "***");
  assert.equal(shown.dbUrl, "postgres://loom:***@db:5432/loom");
  assert.equal(shown.port, 8080);
  assert.deepEqual((shown.llm as Record<string, unknown>).apiKey, "***");
  assert.equal(s.llm.apiKey, API_KEY, "redacting does not alter the settings themselves");
});

Deno.test("the redacted view leaves unset secrets absent, so the log tells they are unset", () => {
  const shown = redactedSettings(settingsOf({}), []);
  assert.equal("adminToken" in shown, false);
  assert.equal("apiKey" in (shown.llm as Record<string, unknown>), false);
});

Deno.test("secrets in urls: a key in LOOM_LLM_BASE_URL's query or user info is masked in the start-up view and in problems", () => {
  const s = settingsOf({
    env: { LOOM_LLM_BASE_URL: "https://gwuserkey@gw.example/v1?api-key=gw-query-key" },
  });
  const shown = redactedSettings(s, []);
  assert.equal(
    (shown.llm as Record<string, unknown>).baseUrl,
    "https://***@gw.example/v1?api-key=***",
  );
  const [problem] = problemsOf({ env: { LOOM_DB_URL: "postgress://db/loom?password=hunter2" } });
  assert.equal(problem.value, "postgress://db/loom?password=***");
});
