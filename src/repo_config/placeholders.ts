/**
 * The `{{placeholder}}`s of prompt templates (markdown files a repository's config names): which
 * ones exist, where a template uses them, and the check `loom config validate` runs. Filling a
 * template for a review is the review engine's (`src/review/prompt.ts`).
 * @module
 */

import type { ConfigError } from "./config_error.ts";

/** Every placeholder a template may use; anything else is reported by {@link validateTemplate}. */
export const KNOWN_PLACEHOLDERS = [
  "diff",
  "files",
  "pr_title",
  "pr_description",
  "pipeline",
  "severity",
  "repo",
  "base_branch",
  "head_branch",
] as const;

/** A name from {@link KNOWN_PLACEHOLDERS}. */
export type Placeholder = typeof KNOWN_PLACEHOLDERS[number];

/** One placeholder occurrence in a template, 1-based position of its `{{`. */
export interface PlaceholderUse {
  name: string;
  line: number;
  col: number;
}

// Anything non-blank between the braces counts, so a typo like {{pr-title}} is caught by
// validation instead of reaching the model verbatim.
const PLACEHOLDER = /\{\{\s*([^\s{}]+)\s*\}\}/g;

/**
 * Lists the placeholders in a template, in order, with their positions. Whitespace inside the
 * braces is allowed: `{{ diff }}` is `diff`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPlaceholders } from "./placeholders.ts";
 *
 * assert.deepEqual(findPlaceholders("Title: {{ pr_title }}"), [
 *   { name: "pr_title", line: 1, col: 8 },
 * ]);
 * ```
 */
export function findPlaceholders(template: string): PlaceholderUse[] {
  const lineStarts = [0];
  for (let i = template.indexOf("\n"); i !== -1; i = template.indexOf("\n", i + 1)) {
    lineStarts.push(i + 1);
  }
  return [...template.matchAll(PLACEHOLDER)].map((m) => {
    let line = lineStarts.length - 1;
    while (lineStarts[line] > m.index) line--;
    return { name: m[1], line: line + 1, col: m.index - lineStarts[line] + 1 };
  });
}

/** Checks that a template uses only {@link KNOWN_PLACEHOLDERS}; one error per unknown use. */
export function validateTemplate(template: string, file: string): ConfigError[] {
  return findPlaceholders(template)
    .filter((use) => !isKnown(use.name))
    .map((use) => ({
      file,
      line: use.line,
      col: use.col,
      message: `unknown placeholder {{${use.name}}}; known placeholders are ${
        KNOWN_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")
      }`,
    }));
}

/**
 * Fills a template's known placeholders in a single pass: text that comes in through a
 * placeholder (the diff, the pull request description) is never scanned again, so a `{{…}}`
 * inside it stays literal and a pull request cannot smuggle in values. Unknown placeholders are
 * left as written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillPlaceholders, KNOWN_PLACEHOLDERS, type Placeholder } from "./placeholders.ts";
 *
 * const values = Object.fromEntries(KNOWN_PLACEHOLDERS.map((p) => [p, ""])) as Record<
 *   Placeholder,
 *   string
 * >;
 * const text = fillPlaceholders("Review {{ pr_title }} {{author}}", {
 *   ...values,
 *   pr_title: "Fix",
 * });
 * assert.equal(text, "Review Fix {{author}}");
 * ```
 */
export function fillPlaceholders(template: string, values: Record<Placeholder, string>): string {
  return template.replace(
    PLACEHOLDER,
    (match, name: string) => isKnown(name) ? values[name] : match,
  );
}

function isKnown(name: string): name is Placeholder {
  return (KNOWN_PLACEHOLDERS as readonly string[]).includes(name);
}
