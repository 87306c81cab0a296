/**
 * The checks behind `loom config validate`: the config itself, then every prompt file it names
 * (that it exists and uses only known placeholders).
 * @module
 */

import { posix } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { BuiltinPromptName } from "./builtin_prompts.ts";
import { type ConfigError, sortConfigErrors } from "./config_error.ts";
import { parseRepoConfig } from "./parse.ts";
import type { ConfigPolicy } from "./policy.ts";
import { loadPromptText, parsePromptRef } from "./prompt_ref.ts";
import { validateTemplate } from "./placeholders.ts";
import { locatePath } from "./yaml_position.ts";

/** Inputs of {@link validateConfigFile}; file access is passed in so tests can use fakes. */
export interface ValidateConfigOptions {
  /** Path of the config file, as the user named it; errors use it verbatim. */
  file: string;
  /** Reads a file by the same kind of path as `file`; null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  policy: ConfigPolicy;
  /** Reads a built-in prompt; defaults to Loom's own `prompts/` folder. */
  loadBuiltin?(name: BuiltinPromptName): Promise<string>;
}

/**
 * Validates a config file and the prompt files it uses, returning every error (empty when all
 * is well). Prompt paths are relative to the repository root: the folder above `.loom/` when
 * the config sits in one, otherwise the config's own folder. Errors inside a prompt are
 * reported at the prompt file's own line and column; a missing prompt, at its `prompt_file`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatConfigError } from "./config_error.ts";
 * import { validateConfigFile } from "./validate.ts";
 *
 * const files: Record<string, string> = {
 *   ".loom/config.yaml": "models:\n  default: {base_url: http://localhost:11434/v1, model: m}\n" +
 *     "pipelines:\n  - {name: style, prompt_file: .loom/prompts/style.md}\n",
 *   ".loom/prompts/style.md": "Style of {{files}}\nby {{author}}\n{{diff}}",
 * };
 * const errors = await validateConfigFile({
 *   file: ".loom/config.yaml",
 *   readFile: (path) => Promise.resolve(files[path] ?? null),
 *   policy: { allowedKeyEnvs: [], allowedBaseUrls: ["http://localhost:11434"] },
 * });
 * assert.equal(errors.length, 1);
 * assert.match(
 *   formatConfigError(errors[0]),
 *   /^\.loom\/prompts\/style\.md:2:4: unknown placeholder \{\{author\}\}/,
 * );
 * ```
 */
export async function validateConfigFile(opts: ValidateConfigOptions): Promise<ConfigError[]> {
  const { file, readFile, policy, loadBuiltin } = opts;
  const text = await readFile(file);
  if (text === null) return [{ file, line: 1, col: 1, message: "config file not found" }];

  const parsed = parseRepoConfig(text, file, policy);
  if (!parsed.ok) return parsed.errors;

  const root = repositoryRoot(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  // The config's own errors first, then each prompt's, as a reader would go through them.
  const configErrors: ConfigError[] = [];
  const promptErrors: ConfigError[] = [];
  const checked = new Set<string>();
  for (const [i, pipeline] of parsed.config.pipelines.entries()) {
    if (checked.has(pipeline.prompt_file)) continue;
    checked.add(pipeline.prompt_file);
    const ref = parsePromptRef(pipeline.prompt_file);
    const shown = ref.kind === "repo" ? posix.join(root, ref.path) : pipeline.prompt_file;
    const template = await loadPromptText(pipeline.prompt_file, {
      readRepoFile: (path) => readFile(posix.join(root, path)),
      loadBuiltin,
    });
    if (template === null) {
      configErrors.push({
        file,
        ...locatePath(doc, lineCounter, ["pipelines", i, "prompt_file"]),
        message: `pipelines[${i}].prompt_file: prompt file not found: ${shown}`,
      });
    } else {
      promptErrors.push(...validateTemplate(template, shown));
    }
  }
  return sortConfigErrors([...configErrors, ...promptErrors]);
}

function repositoryRoot(configFile: string): string {
  const dir = posix.dirname(configFile);
  return posix.basename(dir) === ".loom" ? posix.dirname(dir) : dir;
}
