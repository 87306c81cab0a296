/**
 * Repository configuration: `.loom/config.yaml`, the prompt templates it names and their
 * placeholders, Loom's built-in prompts, and the checks behind `loom config validate`.
 * @module
 */

export { type ConfigError, formatConfigError, sortConfigErrors } from "./config_error.ts";
export {
  DEFAULT_INSTRUCTIONS_FILES,
  MAX_INSTRUCTIONS_FILES,
  MAX_PATH_INSTRUCTION_CHARS,
  MAX_PATH_INSTRUCTIONS,
  type ModelConfig,
  type PathInstruction,
  type PipelineConfig,
  type RepoConfig,
  RepoConfigSchema,
  type ReviewConfig,
  type TriggersConfig,
} from "./schema.ts";
export {
  type ConfigPolicy,
  configPolicyFromEnv,
  keyBindings,
  type PolicyIssue,
  policyIssues,
  policyWarnings,
  SERVER_KEY_ENV,
} from "./policy.ts";
export { keyEnv } from "./key_env.ts";
export { isBaseUrlAllowed, isInternalHost } from "./endpoint_url.ts";
export { globProblem, MAX_GLOB_LENGTH, MAX_GLOB_WILDCARDS } from "./glob_problem.ts";
export { parseRepoConfig, type ParseRepoConfigResult } from "./parse.ts";
export { defaultRepoConfig, type ServerModelSettings } from "./defaults.ts";
export {
  BUILTIN_PROMPT_NAMES,
  type BuiltinPromptName,
  isBuiltinPromptName,
  loadBuiltinPrompt,
} from "./builtin_prompts.ts";
export {
  BUILTIN_PROMPT_PREFIX,
  loadPromptText,
  parsePromptRef,
  type PromptRef,
  type PromptSources,
} from "./prompt_ref.ts";
export {
  fillPlaceholders,
  findPlaceholders,
  KNOWN_PLACEHOLDERS,
  type Placeholder,
  type PlaceholderUse,
  validateTemplate,
} from "./placeholders.ts";
export { type ClampedConfig, clampToServerCaps, type ServerCaps } from "./server_caps.ts";
export { configProvenance, type ConfigValue, type ValueSource } from "./provenance.ts";
export { isSafeRepoPath } from "./safe_repo_path.ts";
export { validateConfigFile, type ValidateConfigOptions } from "./validate.ts";
