import assert from "node:assert/strict";
import { defaultRepoConfig } from "./defaults.ts";
import { parsePromptRef } from "./prompt_ref.ts";

Deno.test("the default config uses the server's model and the built-in pipelines", () => {
  const config = defaultRepoConfig({
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4o",
    apiKeyEnv: "LOOM_LLM_API_KEY",
  });
  assert.deepEqual(Object.keys(config.models), ["default"]);
  assert.equal(config.models.default.base_url, "https://api.openai.com/v1");
  assert.equal(config.models.default.model, "gpt-4o");
  assert.equal(config.models.default.api_key_env, "LOOM_LLM_API_KEY");
  assert.deepEqual(
    config.pipelines.map((p) => [p.name, p.model, p.prompt_file, p.severity, p.enabled]),
    [
      ["security", "default", "builtin:security", "blocker", true],
      ["quality", "default", "builtin:quality", "warning", true],
    ],
  );
  for (const p of config.pipelines) assert.equal(parsePromptRef(p.prompt_file).kind, "builtin");
  assert.equal(config.review.max_llm_calls, 10);
  assert.deepEqual(config.triggers.branches, []);
});

Deno.test("a server without a key variable gets a keyless model", () => {
  const config = defaultRepoConfig({ baseUrl: "http://localhost:11434/v1", model: "qwen2.5" });
  assert.equal("api_key_env" in config.models.default, false);
});

Deno.test("invalid server settings are reported, not turned into a broken config", () => {
  assert.throws(
    () => defaultRepoConfig({ baseUrl: "localhost:11434", model: "m" }),
    /invalid server model settings: models\.default\.base_url/,
  );
});
