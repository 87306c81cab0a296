/**
 * What a pipeline's `prompt_file` may name: a file under the repository's `.loom/` folder, or
 * one of Loom's built-in prompts as `builtin:NAME`. Anything else is refused, because the value
 * comes from the repository under review and must not make the server read arbitrary files.
 * @module
 */

import {
  BUILTIN_PROMPT_NAMES,
  type BuiltinPromptName,
  isBuiltinPromptName,
  loadBuiltinPrompt,
} from "./builtin_prompts.ts";
import { isSafeRepoPath } from "./safe_repo_path.ts";

/** Prefix marking a built-in prompt, e.g. `builtin:security`. */
export const BUILTIN_PROMPT_PREFIX = "builtin:";

/** A `prompt_file` value once understood. */
export type PromptRef =
  | { kind: "builtin"; name: BuiltinPromptName }
  | { kind: "repo"; path: string }
  | { kind: "invalid"; reason: string };

/**
 * Classifies a `prompt_file` value. A repository path must start with `.loom/`, use only
 * letters, digits, `.`, `_`, `-` and `/`, and have no empty, `.` or `..` segment: that rules out
 * absolute paths, `..` escapes, backslash and percent-encoding tricks in one rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePromptRef } from "./prompt_ref.ts";
 *
 * assert.deepEqual(parsePromptRef("builtin:security"), { kind: "builtin", name: "security" });
 * assert.deepEqual(parsePromptRef(".loom/prompts/a.md"), {
 *   kind: "repo",
 *   path: ".loom/prompts/a.md",
 * });
 * assert.equal(parsePromptRef("../secret").kind, "invalid");
 * ```
 */
export function parsePromptRef(ref: string): PromptRef {
  if (ref.startsWith(BUILTIN_PROMPT_PREFIX)) {
    const name = ref.slice(BUILTIN_PROMPT_PREFIX.length);
    if (isBuiltinPromptName(name)) return { kind: "builtin", name };
    return {
      kind: "invalid",
      reason: `unknown built-in prompt ${JSON.stringify(ref)}; the built-in prompts are ${
        BUILTIN_PROMPT_NAMES.map((n) => BUILTIN_PROMPT_PREFIX + n).join(", ")
      }`,
    };
  }
  if (ref.startsWith(".loom/") && isSafeRepoPath(ref)) return { kind: "repo", path: ref };
  return {
    kind: "invalid",
    reason: `${JSON.stringify(ref)} is not allowed: use a relative path inside .loom/ ` +
      `(like .loom/prompts/review.md; letters, digits, ".", "_", "-" and "/" only, no ".." ` +
      `segments) or a built-in prompt (${
        BUILTIN_PROMPT_NAMES.map((n) => BUILTIN_PROMPT_PREFIX + n).join(", ")
      })`,
  };
}

/** Where prompt text comes from; passed in so tests and the worker can use their own readers. */
export interface PromptSources {
  /** Reads a file by its path relative to the repository root; null when it does not exist. */
  readRepoFile(path: string): Promise<string | null>;
  /** Reads a built-in prompt; defaults to {@link loadBuiltinPrompt}. */
  loadBuiltin?(name: BuiltinPromptName): Promise<string>;
}

/**
 * Reads the template a `prompt_file` names, from the repository or from Loom's built-ins.
 * Returns null when a repository file is missing; throws on an invalid reference, which a
 * parsed config never contains.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPromptText } from "./prompt_ref.ts";
 *
 * const files: Record<string, string> = { ".loom/prompts/style.md": "Style only.\n{{diff}}" };
 * const readRepoFile = (path: string) => Promise.resolve(files[path] ?? null);
 * const text = await loadPromptText(".loom/prompts/style.md", { readRepoFile });
 * assert.equal(text, "Style only.\n{{diff}}");
 * assert.equal(await loadPromptText(".loom/prompts/gone.md", { readRepoFile }), null);
 * ```
 */
export async function loadPromptText(
  promptFile: string,
  sources: PromptSources,
): Promise<string | null> {
  const ref = parsePromptRef(promptFile);
  switch (ref.kind) {
    case "builtin":
      return await (sources.loadBuiltin ?? loadBuiltinPrompt)(ref.name);
    case "repo":
      return await sources.readRepoFile(ref.path);
    case "invalid":
      throw new Error(ref.reason);
  }
}
