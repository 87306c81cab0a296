/**
 * The review setup for a repository that has no `.loom/config.yaml`: the server's model and
 * Loom's built-in security and quality pipelines.
 * @module
 */

import { BUILTIN_PROMPT_PREFIX } from "./prompt_ref.ts";
import { type RepoConfig, RepoConfigSchema } from "./schema.ts";

/** The server's model settings (`LOOM_LLM_BASE_URL`, `LOOM_LLM_MODEL`, `LOOM_LLM_API_KEY`). */
export interface ServerModelSettings {
  baseUrl: string;
  model: string;
  /**
   * Variable holding the key, normally `LOOM_LLM_API_KEY`; leave it out when the endpoint needs
   * no key (a local Ollama).
   */
  apiKeyEnv?: string;
}

/**
 * Builds the config used when a repository has none. It goes through the same schema as a
 * repository's file, so it carries exactly the same defaults.
 *
 * @throws Error when the server settings themselves are invalid (e.g. a malformed base URL).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultRepoConfig } from "./defaults.ts";
 *
 * const config = defaultRepoConfig({
 *   baseUrl: "https://api.openai.com/v1",
 *   model: "gpt-4o",
 *   apiKeyEnv: "LOOM_LLM_API_KEY",
 * });
 * assert.deepEqual(
 *   config.pipelines.map((p) => p.prompt_file),
 *   ["builtin:security", "builtin:quality"],
 * );
 * ```
 */
export function defaultRepoConfig(server: ServerModelSettings): RepoConfig {
  const result = RepoConfigSchema.safeParse({
    models: {
      default: {
        base_url: server.baseUrl,
        model: server.model,
        ...(server.apiKeyEnv ? { api_key_env: server.apiKeyEnv } : {}),
      },
    },
    pipelines: [
      { name: "security", prompt_file: `${BUILTIN_PROMPT_PREFIX}security`, severity: "blocker" },
      { name: "quality", prompt_file: `${BUILTIN_PROMPT_PREFIX}quality`, severity: "warning" },
    ],
  });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid server model settings: ${problems.join("; ")}`);
  }
  return result.data;
}
