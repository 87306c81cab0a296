/**
 * A repository's review config and prompts, read from the pull request's base branch so that a
 * pull request cannot rewrite its own reviewer (models, keys, prompts, severities).
 * @module
 */
import type { GitAdapter, RepoRef } from "../../platform/mod.ts";
import {
  type ConfigError,
  type ConfigPolicy,
  defaultRepoConfig,
  loadPromptText,
  parseRepoConfig,
  type RepoConfig,
  SERVER_KEY_ENV,
  validateTemplate,
} from "../../repo_config/mod.ts";

/** The config file's path in a repository. */
export const CONFIG_PATH = ".loom/config.yaml";

/**
 * The config and templates to review with, or every error that prevents it; with the config
 * file's text as read (null when there is none), which the dashboard shows.
 */
export type RepoSetup =
  & { text: string | null }
  & (
    | { ok: true; config: RepoConfig; templates: Record<string, string>; fromRepo: boolean }
    | { ok: false; errors: ConfigError[] }
  );

/**
 * Reads `.loom/config.yaml` and its prompt files at `ref`; without a config file, the server's
 * default model with the built-in pipelines.
 */
export async function repoSetupAt(
  adapter: GitAdapter,
  repo: RepoRef,
  ref: string,
  policy: ConfigPolicy,
  server: { baseUrl: string; model: string; apiKey?: string },
): Promise<RepoSetup> {
  const text = await adapter.fetchFile(repo, CONFIG_PATH, ref);
  let config: RepoConfig;
  if (text === null) {
    config = defaultRepoConfig({
      baseUrl: server.baseUrl,
      model: server.model,
      apiKeyEnv: server.apiKey ? SERVER_KEY_ENV : undefined,
    });
  } else {
    const parsed = parseRepoConfig(text, CONFIG_PATH, policy);
    if (!parsed.ok) return { ok: false, errors: parsed.errors, text };
    config = parsed.config;
  }
  const templates: Record<string, string> = {};
  const errors: ConfigError[] = [];
  for (const pipeline of config.pipelines.filter((p) => p.enabled)) {
    const template = await loadPromptText(pipeline.prompt_file, {
      readRepoFile: (path) => adapter.fetchFile(repo, path, ref),
    });
    if (template === null) {
      errors.push({
        file: CONFIG_PATH,
        line: 1,
        col: 1,
        message:
          `prompt file ${pipeline.prompt_file} of pipeline ${pipeline.name} not found at ${ref}`,
      });
      continue;
    }
    errors.push(...validateTemplate(template, pipeline.prompt_file));
    templates[pipeline.name] = template;
  }
  if (errors.length > 0) return { ok: false, errors, text };
  return { ok: true, config, templates, fromRepo: text !== null, text };
}
