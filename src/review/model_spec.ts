/**
 * From a repository's model config to what the model client needs, resolving the key from the
 * server's environment.
 * @module
 */
import type { ModelSpec } from "../llm/mod.ts";
import type { ModelConfig } from "../repo_config/mod.ts";

/**
 * The {@link ModelSpec} for model `name`. Throws a message naming the variable (never a value)
 * when `api_key_env` names a variable that is not set, because a call without the key would only
 * fail later with a less useful 401.
 */
export function modelSpecFor(
  name: string,
  model: ModelConfig,
  env: Record<string, string | undefined>,
): ModelSpec {
  let apiKey: string | undefined;
  if (model.api_key_env) {
    apiKey = env[model.api_key_env];
    if (!apiKey) {
      throw new Error(
        `model ${name}: environment variable ${model.api_key_env} (api_key_env) is not set on the server`,
      );
    }
  }
  return {
    name,
    baseUrl: model.base_url,
    apiKey,
    model: model.model,
    temperature: model.temperature,
    maxTokens: model.max_tokens,
    timeoutS: model.timeout_s,
    structuredOutput: model.structured_output,
  };
}
