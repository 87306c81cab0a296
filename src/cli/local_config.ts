/**
 * The review config of a command run without a server (`loom review`, `loom eval`): a
 * `.loom/config.yaml` the user points at, or, without one, the server's default model with the
 * built-in pipelines, exactly as a repository without a config file is reviewed.
 * @module
 */
import {
  configPolicyFromEnv,
  defaultRepoConfig,
  formatConfigError,
  parseRepoConfig,
  type RepoConfig,
  SERVER_KEY_ENV,
} from "../repo_config/mod.ts";
import type { Settings } from "../settings/mod.ts";
import { type CliIo, EXIT } from "./io.ts";

/**
 * The config parsed from `text` (read from `file`), or the default one when `text` is null.
 * Prints every config error and returns the usage exit code when the text is invalid.
 */
export function localConfig(
  text: string | null,
  file: string,
  settings: Settings,
  io: CliIo,
): RepoConfig | number {
  if (text === null) {
    return defaultRepoConfig({
      baseUrl: settings.llm.baseUrl,
      model: settings.llm.model,
      apiKeyEnv: settings.llm.apiKey ? SERVER_KEY_ENV : undefined,
    });
  }
  const result = parseRepoConfig(text, file, configPolicyFromEnv(io.env));
  if (result.ok) return result.config;
  for (const error of result.errors) io.stderr(formatConfigError(error));
  return EXIT.usage;
}

/** The text of the file at `path`, or null when there is none (or it is a directory). */
export async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return null;
    }
    throw error;
  }
}
