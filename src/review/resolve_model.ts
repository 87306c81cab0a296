/**
 * From a repository's model config to what the model client needs, resolving the key from the
 * server's environment.
 * @module
 */
import type { ModelSpec } from "../llm/mod.ts";
import type { ModelConfig } from "../repo_config/mod.ts";

/** A configured model that cannot be called, and why; its pipeline fails with `error`. */
export interface UnusableModel {
  name: string;
  model: string;
  error: string;
}

/**
 * The {@link ModelSpec} for model `name`, or why it cannot be called: `api_key_env` names a
 * variable that is not set (the message names the variable, never a value). A call without the
 * key would only fail later with a less useful 401; this way the pipeline fails saying why.
 */
export function resolveModel(
  name: string,
  model: ModelConfig,
  env: Record<string, string | undefined>,
): ModelSpec | UnusableModel {
  let apiKey: string | undefined;
  if (model.api_key_env) {
    apiKey = env[model.api_key_env];
    if (!apiKey) {
      return {
        name,
        model: model.model,
        error:
          `model ${name}: environment variable ${model.api_key_env} (api_key_env) is not set on the server`,
      };
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
    tokenParam: model.token_param,
    stream: model.stream,
    ...(model.max_concurrency === undefined ? {} : { maxConcurrency: model.max_concurrency }),
  };
}
