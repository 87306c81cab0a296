/**
 * The environment model keys are looked up in (`api_key_env`), with the server's own key under
 * the name configs use for it.
 * @module
 */
import { SERVER_KEY_ENV } from "./policy.ts";

/**
 * `env` with `LOOM_LLM_API_KEY` set to the server's key from its settings, whichever source that
 * came from (flag, environment or `llm.api_key` in `loom.yaml`). Configs name the key by that
 * variable, so a key set only in `loom.yaml` would otherwise be "not set on the server". With no
 * server key, `env` is returned as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyEnv } from "./key_env.ts";
 *
 * assert.equal(keyEnv({}, "sk-from-yaml").LOOM_LLM_API_KEY, "sk-from-yaml");
 * assert.deepEqual(keyEnv({ OTHER: "x" }, undefined), { OTHER: "x" });
 * ```
 */
export function keyEnv(
  env: Record<string, string | undefined>,
  serverKey: string | undefined,
): Record<string, string | undefined> {
  return serverKey ? { ...env, [SERVER_KEY_ENV]: serverKey } : env;
}
