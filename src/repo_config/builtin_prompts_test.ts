import assert from "node:assert/strict";
import {
  BUILTIN_PROMPT_NAMES,
  type BuiltinPromptName,
  loadBuiltinPrompt,
} from "./builtin_prompts.ts";
import { findPlaceholders, validateTemplate } from "./placeholders.ts";

Deno.test("every built-in prompt exists, uses only known placeholders, and places the diff", async () => {
  for (const name of BUILTIN_PROMPT_NAMES) {
    const text = await loadBuiltinPrompt(name);
    assert.deepEqual(validateTemplate(text, name), [], name);
    const used = new Set(findPlaceholders(text).map((p) => p.name));
    for (const p of ["diff", "files", "pr_title", "pr_description", "severity"]) {
      assert.ok(used.has(p), `${name} should use {{${p}}}`);
    }
  }
});

Deno.test("loadBuiltinPrompt refuses names that are not built-in, even if cast", async () => {
  await assert.rejects(
    loadBuiltinPrompt("../deno" as BuiltinPromptName),
    /unknown built-in prompt/,
  );
});
