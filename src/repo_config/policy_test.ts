import assert from "node:assert/strict";
import { configPolicyFromEnv, isBaseUrlAllowed, policyIssues } from "./policy.ts";

Deno.test("configPolicyFromEnv reads comma-separated lists and ignores blanks", () => {
  assert.deepEqual(
    configPolicyFromEnv({
      LOOM_LLM_ALLOWED_KEY_ENVS: " OPENAI_API_KEY, ,GROQ_API_KEY ",
      LOOM_LLM_ALLOWED_BASE_URLS: "https://api.openai.com/v1,http://localhost:11434",
    }),
    {
      allowedKeyEnvs: ["OPENAI_API_KEY", "GROQ_API_KEY"],
      allowedBaseUrls: ["https://api.openai.com/v1", "http://localhost:11434"],
      serverBaseUrl: "https://api.openai.com/v1",
    },
  );
  assert.deepEqual(
    configPolicyFromEnv({
      LOOM_LLM_ALLOWED_BASE_URLS: " ",
      LOOM_LLM_BASE_URL: "http://vllm:8000/v1",
    }),
    { allowedKeyEnvs: [], allowedBaseUrls: undefined, serverBaseUrl: "http://vllm:8000/v1" },
  );
});

Deno.test("without an allow-list, a model with a key may only call the server's endpoint", () => {
  const policy = configPolicyFromEnv({ LOOM_LLM_BASE_URL: "https://api.groq.com/openai/v1" });
  const config = {
    models: {
      keyed_home: { base_url: "https://api.groq.com/openai/v1", api_key_env: "LOOM_LLM_API_KEY" },
      keyed_away: { base_url: "https://attacker.example/v1", api_key_env: "LOOM_LLM_API_KEY" },
      keyless_local: { base_url: "http://localhost:11434/v1" },
    },
  };
  const issues = policyIssues(config, policy);
  assert.deepEqual(issues.map((i) => i.path), [["models", "keyed_away", "base_url"]]);
  assert.match(issues[0].message, /LOOM_LLM_ALLOWED_BASE_URLS/);
  // An explicit allow-list replaces the rule: the operator decided.
  const listed = policyIssues(config, {
    ...policy,
    allowedBaseUrls: ["https://attacker.example", "https://api.groq.com", "http://localhost:11434"],
  });
  assert.deepEqual(listed, []);
});

function assertAllowed(allowed: string[], urls: string[], expected: boolean): void {
  for (const url of urls) assert.equal(isBaseUrlAllowed(url, allowed), expected, url);
}

Deno.test("base URLs match an allowed prefix at a path boundary, slashes normalised", () => {
  assertAllowed(["https://api.openai.com/v1/", "http://localhost:11434"], [
    "https://api.openai.com/v1",
    "https://api.openai.com/v1/",
    "https://API.OpenAI.com:443/v1",
    "https://api.openai.com/v1/deployments/x",
    "http://localhost:11434/v1",
  ], true);
});

Deno.test("base URLs that only look like an allowed one are refused", () => {
  assertAllowed(["https://api.openai.com/v1"], [
    "https://api.openai.com/v10",
    "https://api.openai.com/v1/../admin",
    "https://api.openai.com.evil.net/v1",
    "https://api.openai.com@evil.net/v1",
    "https://user:pw@api.openai.com/v1",
    "http://api.openai.com/v1",
    "https://api.openai.com:8443/v1",
    "https://api.openai.com",
    "not a url",
  ], false);
});

Deno.test("policyIssues never echoes credentials from an allowed URL", () => {
  const issues = policyIssues(
    { models: { m: { base_url: "https://evil.example/v1" } } },
    { allowedKeyEnvs: [], allowedBaseUrls: ["https://svc:hunter2@llm.internal/v1"] },
  );
  assert.equal(issues.length, 1);
  assert.deepEqual(issues[0].path, ["models", "m", "base_url"]);
  assert.ok(!issues[0].message.includes("hunter2"), issues[0].message);
  assert.ok(issues[0].message.includes("https://llm.internal/v1"), issues[0].message);
});

Deno.test("policyIssues tolerates a config that failed the schema", () => {
  assert.deepEqual(policyIssues(null, { allowedKeyEnvs: [] }), []);
  assert.deepEqual(policyIssues({ models: [1, 2] }, { allowedKeyEnvs: [] }), []);
  assert.deepEqual(
    policyIssues({ models: { a: 3, b: { api_key_env: "HOME" } } }, { allowedKeyEnvs: [] })
      .map((i) => i.path),
    [["models", "b", "api_key_env"]],
  );
});
