/**
 * Endpoints and keys at start: a server still on the deprecated `LOOM_LLM_ALLOWED_KEY_ENVS`
 * keeps starting, and says at start which `LOOM_LLM_KEYS` keeps its behaviour.
 */
import assert from "node:assert/strict";
import { waitFor, withServe } from "./support/child.ts";

Deno.test("endpoints and keys: the deprecated LOOM_LLM_ALLOWED_KEY_ENVS logs its LOOM_LLM_KEYS equivalent at start, no URL secret in it", async () => {
  await withServe({
    LOOM_LLM_ALLOWED_KEY_ENVS: "OPENAI_API_KEY",
    LOOM_LLM_ALLOWED_BASE_URLS: "https://gw.example/v1?api-key=allowed-url-secret",
  }, async (loom) => {
    await loom.listening;
    await waitFor(() => Promise.resolve(loom.log().includes('"deprecated setting"')), 10_000);
    const line = loom.log().split("\n").find((l) => l.includes('"deprecated setting"'))!;
    assert.match(line, /"level":"warn"/);
    assert.match(line, /LOOM_LLM_KEYS=OPENAI_API_KEY=https:\/\/gw\.example\/v1\?api-key=\*\*\*/);
    assert.ok(!loom.log().includes("allowed-url-secret"), loom.log());
  });
});
