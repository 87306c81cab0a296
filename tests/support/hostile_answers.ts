/**
 * Model answers built to make a parser slow: each is {@link HOSTILE_CHARS} characters or more of
 * what a hostile (or broken) model endpoint may send. Shared by the parsing tests, which hold
 * them to a one-second safety bound, and `bench/parse.ts`, which times them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HOSTILE_ANSWERS, HOSTILE_CHARS } from "./hostile_answers.ts";
 *
 * assert.ok(Object.values(HOSTILE_ANSWERS).every((text) => text.length >= HOSTILE_CHARS));
 * ```
 * @module
 */

/** The size of every hostile answer: what made stripping `<think>` blocks take 7 s. */
export const HOSTILE_CHARS = 280_000;

/** Repeats `unit` until the text is at least {@link HOSTILE_CHARS} long. */
function fill(unit: string, prefix = "", suffix = ""): string {
  return prefix + unit.repeat(Math.ceil(HOSTILE_CHARS / unit.length)) + suffix;
}

/** Hostile answers by name: what each one repeats is what used to cost a rescan. */
export const HOSTILE_ANSWERS: Record<string, string> = {
  // Every unclosed opening tag made the `<think>` regex scan to the end of the text.
  unclosed_think: fill("<think>"),
  unclosed_thinking_mixed: fill("<thinking><THINK>"),
  think_closed_by_the_other_name: fill("<think></thinking>"),
  unclosed_fences: fill("```"),
  fence_lines: fill("```json\n"),
  object_starts: fill('{"'),
  item_starts: fill("[{"),
  single_quoted_starts: fill("{'"),
  brace_then_spaces: fill("{" + " ".repeat(20)),
  deep_arrays: fill("[", "", "]".repeat(HOSTILE_CHARS)),
  backslashes_in_a_string: fill("\\", '{"findings": [{"path": "'),
  long_line_number: fill("1", '{"findings": [{"path": "a", "title": "t", "line": "', '-"}]}'),
  many_findings: fill('{"path": "a.ts", "line": 1, "title": "t", "body": "b"},', '{"findings": ['),
  thinking_then_json: fill("<think>", "", '{"findings": []}'),
};
