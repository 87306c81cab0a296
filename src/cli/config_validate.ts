/**
 * `loom config validate [FILE]`: checks a repository's Loom config and its prompt files from
 * the command line, so authors find mistakes before Loom reviews a pull request with them.
 * @module
 */

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { configPolicyFromEnv, formatConfigError, validateConfigFile } from "../repo_config/mod.ts";
import { type CliIo, EXIT } from "./io.ts";

const USAGE = `Usage: loom config validate [FILE]

Checks a repository's Loom config (default: .loom/config.yaml) and the prompt files it names.
Prints "ok", or each problem on its own line as FILE:LINE:COL: MESSAGE.

Environment (the same settings the server applies):
  LOOM_LLM_KEYS               comma-separated VARIABLE=BASE_URL: the key variables a config
                              may name besides LOOM_LLM_API_KEY, and where each may go
  LOOM_LLM_BASE_URL           the only endpoint LOOM_LLM_API_KEY may go to
  LOOM_LLM_ALLOWED_BASE_URLS  comma-separated URLs a key-less base_url must start with
  LOOM_LLM_ALLOWED_KEY_ENVS   deprecated: key variables sent to any allowed URL

Exit status: 0 valid, 1 problems found, 2 bad usage.`;

/**
 * Runs `loom config validate`. Results ("ok" or the errors) go to stdout, like other linters,
 * so they can be piped; usage problems and unreadable files go to stderr. Relative paths,
 * FILE included, are resolved against `io.cwd`.
 *
 * @returns 0 when valid, 1 when there are errors or the file is missing, 2 on bad usage
 * @example
 * ```ts
 * import { configValidateCommand } from "./config_validate.ts";
 * import assert from "node:assert/strict";
 *
 * const repo = await Deno.makeTempDir();
 * await Deno.mkdir(`${repo}/.loom`);
 * await Deno.writeTextFile(
 *   `${repo}/.loom/config.yaml`,
 *   "models:\n" +
 *     "  default: {base_url: https://api.openai.com/v1, api_key_env: OPENAI_API_KEY, model: gpt-4o}\n" +
 *     "pipelines:\n  - {name: security, prompt_file: builtin:security}\n",
 * );
 * const out: string[] = [];
 * const code = await configValidateCommand([".loom/config.yaml"], {
 *   stdout: (text) => out.push(text),
 *   stderr: (text) => out.push(text),
 *   env: { LOOM_LLM_ALLOWED_KEY_ENVS: "OPENAI_API_KEY" },
 *   cwd: repo,
 * });
 * assert.deepEqual({ code, out }, { code: 0, out: ["ok"] });
 * await Deno.remove(repo, { recursive: true });
 * ```
 */
export async function configValidateCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.stderr(`loom config validate: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length > 1) {
    io.stderr(
      `loom config validate: expected at most one FILE, got ${parsed.positionals.length}\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  const file = parsed.positionals[0] ?? ".loom/config.yaml";
  const readFile = (path: string) => readTextFileOrNull(resolve(io.cwd, path));

  try {
    if (await readFile(file) === null) {
      io.stderr(
        `loom config validate: ${file} not found (looked in ${resolve(io.cwd, file)}); ` +
          `run it from the repository root or pass the config file's path`,
      );
      return EXIT.failure;
    }
    const errors = await validateConfigFile({
      file,
      readFile,
      policy: configPolicyFromEnv(io.env),
    });
    if (errors.length === 0) {
      io.stdout("ok");
      return EXIT.ok;
    }
    for (const error of errors) io.stdout(formatConfigError(error));
    return EXIT.failure;
  } catch (e) {
    io.stderr(`loom config validate: ${(e as Error).message}`);
    return EXIT.failure;
  }
}

async function readTextFileOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
