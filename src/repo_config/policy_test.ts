import assert from "node:assert/strict";
import { isBaseUrlAllowed, isInternalHost } from "./endpoint_url.ts";
import { configPolicyFromEnv, policyIssues, policyWarnings } from "./policy.ts";

Deno.test("configPolicyFromEnv reads comma-separated lists and ignores blanks", () => {
  assert.deepEqual(
    configPolicyFromEnv({
      LOOM_LLM_ALLOWED_KEY_ENVS: " OPENAI_API_KEY, ,GROQ_API_KEY ",
      LOOM_LLM_ALLOWED_BASE_URLS: "https://api.openai.com/v1,http://localhost:11434",
    }),
    {
      keys: {},
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
    {
      keys: {},
      allowedKeyEnvs: [],
      allowedBaseUrls: undefined,
      serverBaseUrl: "http://vllm:8000/v1",
    },
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
  // Issue 10: a key-less endpoint must be listed too, so keyless_local is refused as well.
  assert.deepEqual(issues.map((i) => i.path), [
    ["models", "keyed_away", "base_url"],
    ["models", "keyless_local", "base_url"],
  ]);
  assert.match(issues[0].message, /LOOM_LLM_KEYS/);
  // Listing endpoints admits key-less calls to them, but never sends the server's key there
  // (issue 10: LOOM_LLM_API_KEY goes only to LOOM_LLM_BASE_URL).
  const listed = policyIssues(config, {
    ...policy,
    allowedBaseUrls: ["https://attacker.example", "https://api.groq.com", "http://localhost:11434"],
  });
  assert.deepEqual(listed.map((i) => i.path), [["models", "keyed_away", "base_url"]]);
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

const KEYS = configPolicyFromEnv({
  LOOM_LLM_BASE_URL: "https://llm.internal.example/v1",
  LOOM_LLM_KEYS:
    "OPENAI_API_KEY=https://api.openai.com/v1,GROQ_API_KEY=https://api.groq.com/openai/v1",
  LOOM_LLM_ALLOWED_BASE_URLS: "http://localhost:11434,https://gw.example/v1",
});

function refused(model: Record<string, string>, policy = KEYS): string[] {
  return policyIssues({ models: { m: model } }, policy).map((i) => i.path.join("."));
}

/** Asserts that `model` may call `allowed` and is refused at each of `others`. */
function assertGoesOnlyTo(model: Record<string, string>, allowed: string, others: string[]) {
  assert.deepEqual(refused({ ...model, base_url: allowed }), [], allowed);
  assertRefusedAt(model, others);
}

/** Asserts that `model` at each of `urls` is refused at its base_url. */
function assertRefusedAt(model: Record<string, string>, urls: string[]): void {
  for (const base_url of urls) {
    assert.deepEqual(refused({ ...model, base_url }), ["models.m.base_url"], base_url);
  }
}

Deno.test("endpoints and keys: a key-less model may call only listed endpoints or the server's", () => {
  assert.deepEqual(refused({ base_url: "https://attacker.example/v1" }), ["models.m.base_url"]);
  assert.deepEqual(refused({ base_url: "http://localhost:11434/v1" }), []);
  assert.deepEqual(refused({ base_url: "https://llm.internal.example/v1" }), []);
  // Nothing listed: nothing but the server's endpoint.
  const bare = configPolicyFromEnv({});
  assert.deepEqual(refused({ base_url: "https://attacker.example/v1" }, bare), [
    "models.m.base_url",
  ]);
});

Deno.test("endpoints and keys: an allowed key goes only to the base URLs LOOM_LLM_KEYS binds it to", () => {
  const groq = { api_key_env: "GROQ_API_KEY" };
  // Another key's endpoint, a listed key-less endpoint, plain http to a listed host: all refused.
  assertGoesOnlyTo(groq, "https://api.groq.com/openai/v1", [
    "https://api.openai.com/v1",
    "https://gw.example/v1",
    "http://localhost:11434/v1",
    "http://api.groq.com/openai/v1",
  ]);
  const [issue] = policyIssues(
    { models: { m: { ...groq, base_url: "https://gw.example/v1" } } },
    KEYS,
  );
  assert.match(issue.message, /may not receive GROQ_API_KEY: LOOM_LLM_KEYS binds it to/);
});

Deno.test("endpoints and keys: LOOM_LLM_API_KEY goes only to LOOM_LLM_BASE_URL, even to listed URLs", () => {
  assertGoesOnlyTo({ api_key_env: "LOOM_LLM_API_KEY" }, "https://llm.internal.example/v1/", [
    "https://gw.example/v1",
    "http://localhost:11434",
    "https://api.openai.com/v1",
  ]);
});

Deno.test("endpoints and keys: encoded and dotted paths are compared decoded and resolved", () => {
  const key = { api_key_env: "OPENAI_API_KEY" };
  assertRefusedAt(key, [
    "https://api.openai.com/v1/..%2F..%2Fadmin",
    "https://api.openai.com/v1/%2e%2e/admin",
    "https://api.openai.com/v1/..%252F..%252Fadmin",
    "https://api.openai.com/v1/..%5C..%5Cadmin",
    "https://api.openai.com/v1%2F..%2F..%2Fadmin",
    "https://api.openai.com/v1/%zz",
  ]);
  assert.deepEqual(refused({ ...key, base_url: "https://api.openai.com/v1/deployments%2Fx" }), []);
});

Deno.test("endpoints and keys: loopback, link-local and private hosts are refused unless listed by host", () => {
  const internal = [
    "http://127.0.0.1:11434/v1",
    "http://2130706433/v1",
    "http://[::1]:11434/v1",
    "http://[::ffff:127.0.0.1]:11434/v1",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.5/v1",
    "http://192.168.1.2/v1",
    "http://172.16.0.1/v1",
    "http://[fd00::1]/v1",
    "http://localhost:8080/v1",
  ];
  assertRefusedAt({}, internal);
  assertRefusedAt({ api_key_env: "OPENAI_API_KEY" }, internal);
  for (const url of internal) assert.equal(isInternalHost(url), true, url);
  assert.deepEqual(refused({ base_url: "http://localhost:11434/v1" }), [], "listed by host");
});

Deno.test("endpoints and keys: the deprecated LOOM_LLM_ALLOWED_KEY_ENVS keeps working, with a start-up warning", () => {
  const old = configPolicyFromEnv({
    LOOM_LLM_ALLOWED_KEY_ENVS: "OPENAI_API_KEY",
    LOOM_LLM_ALLOWED_BASE_URLS: "https://api.openai.com/v1",
  });
  assert.deepEqual(
    refused({ api_key_env: "OPENAI_API_KEY", base_url: "https://api.openai.com/v1" }, old),
    [],
  );
  assert.deepEqual(
    refused({
      api_key_env: "OPENAI_API_KEY",
      base_url: "https://api.openai.com/v1/..%2F..%2Fadmin",
    }, old),
    ["models.m.base_url"],
  );
  assert.deepEqual(policyWarnings(old), [
    "LOOM_LLM_ALLOWED_KEY_ENVS is deprecated: it lets every listed key go to every URL of " +
    "LOOM_LLM_ALLOWED_BASE_URLS. Bind each key to its endpoints with LOOM_LLM_KEYS instead; " +
    "today's behaviour is LOOM_LLM_KEYS=OPENAI_API_KEY=https://api.openai.com/v1",
  ]);
  assert.deepEqual(policyWarnings(KEYS), []);
});
