/**
 * Loom's own review prompts, shipped in the top-level `prompts/` folder and used when a
 * repository has no `.loom/config.yaml` or refers to them as `builtin:NAME`.
 * @module
 */

/** Names of the built-in pipeline prompts; each is `prompts/NAME.md`. */
export const BUILTIN_PROMPT_NAMES = ["security", "quality"] as const;

/** A name from {@link BUILTIN_PROMPT_NAMES}. */
export type BuiltinPromptName = typeof BUILTIN_PROMPT_NAMES[number];

/** Whether `name` is a built-in prompt, so untrusted config text can be narrowed safely. */
export function isBuiltinPromptName(name: string): name is BuiltinPromptName {
  return (BUILTIN_PROMPT_NAMES as readonly string[]).includes(name);
}

/**
 * Reads a built-in prompt from Loom's `prompts/` folder.
 *
 * The path is resolved from this module's URL rather than the working directory, which is what
 * lets `deno compile --include prompts` embed and find the files. The name is checked again at
 * run time because it may come from a repository's config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadBuiltinPrompt } from "./builtin_prompts.ts";
 *
 * const text = await loadBuiltinPrompt("security");
 * assert.match(text, /\{\{\s*diff\s*\}\}/);
 * ```
 */
export function loadBuiltinPrompt(name: BuiltinPromptName): Promise<string> {
  if (!isBuiltinPromptName(name)) {
    return Promise.reject(new Error(`unknown built-in prompt: ${JSON.stringify(name)}`));
  }
  return Deno.readTextFile(new URL(`../../prompts/${name}.md`, import.meta.url));
}
