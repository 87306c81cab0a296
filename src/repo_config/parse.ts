/**
 * Turns the text of `.loom/config.yaml` into a {@link RepoConfig}, or into every problem in it,
 * each pinned to the line and column of the offending key or value.
 * @module
 */

import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { type ConfigError, sortConfigErrors } from "./config_error.ts";
import { type ConfigPolicy, policyIssues } from "./policy.ts";
import { type RepoConfig, RepoConfigSchema } from "./schema.ts";
import { locatePath } from "./yaml_position.ts";

/** The outcome of {@link parseRepoConfig}: a usable config, or all the reasons there is none. */
export type ParseRepoConfigResult =
  | { ok: true; config: RepoConfig }
  | { ok: false; errors: ConfigError[] };

/**
 * Parses and checks a repository config. YAML syntax errors are all reported and stop there
 * (a half-read document would only add noise); otherwise schema problems and policy violations
 * are reported together, sorted by position.
 *
 * @param text the file's contents
 * @param file how to name the file in errors, e.g. `.loom/config.yaml`
 * @param policy what the server allows the config to reach
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatConfigError } from "./config_error.ts";
 * import { parseRepoConfig } from "./parse.ts";
 *
 * const text = "models:\n  default: {base_url: http://localhost:11434/v1, model: m}\n" +
 *   "pipelines:\n  - {name: security, prompt_file: builtin:security}\n";
 * const policy = { allowedKeyEnvs: [], allowedBaseUrls: ["http://localhost:11434"] };
 * const result = parseRepoConfig(text, ".loom/config.yaml", policy);
 * assert.ok(result.ok);
 * assert.equal(result.config.pipelines[0].severity, "warning");
 *
 * const typo = parseRepoConfig(text + "revew: {}\n", ".loom/config.yaml", policy);
 * assert.ok(!typo.ok);
 * assert.match(
 *   formatConfigError(typo.errors[0]),
 *   /^\.loom\/config\.yaml:5:1: unknown key "revew" /,
 * );
 * ```
 */
export function parseRepoConfig(
  text: string,
  file: string,
  policy: ConfigPolicy,
): ParseRepoConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, message: string): ConfigError => ({
    file,
    ...lineCounter.linePos(offset),
    message,
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: sortConfigErrors(
        doc.errors.map((e) => at(e.pos[0], `invalid YAML: ${e.message.split("\n")[0]}`)),
      ),
    };
  }

  let data: unknown;
  try {
    // Anchors are fine, alias bombs are not: toJS enforces maxAliasCount.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, errors: [at(0, `invalid YAML: ${(e as Error).message}`)] };
  }

  const errors: ConfigError[] = [];
  const place = (path: PropertyKey[], message: string, target: "value" | "key" = "value") =>
    errors.push({ file, ...locatePath(doc, lineCounter, path, target), message });

  const result = RepoConfigSchema.safeParse(data, { error: friendlyMessage });
  for (const issue of result.success ? [] : result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        place(
          [...issue.path, key],
          `unknown key ${JSON.stringify(key)}${inPath(issue.path)} (${issue.message})`,
          "key",
        );
      }
    } else if (issue.code === "invalid_type" && isMissing(data, issue.path)) {
      const parent = issue.path.slice(0, -1);
      const key = String(issue.path.at(-1));
      place(issue.path, `missing required key ${JSON.stringify(key)}${inPath(parent)}`);
    } else if (issue.path.length === 0) {
      place([], `the config must be a mapping with models and pipelines, got ${describe(data)}`);
    } else {
      place(issue.path, prefixPath(issue.path, issue.message));
    }
  }
  for (const issue of policyIssues(data, policy)) {
    place(issue.path, prefixPath(issue.path, issue.message));
  }

  if (errors.length > 0 || !result.success) {
    return { ok: false, errors: sortConfigErrors(errors) };
  }
  return { ok: true, config: result.data };
}

// Used only where the schema gives no message of its own: zod prefers the schema's.
function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${article(issue.expected)}, got ${describe(issue.input)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${
        describe(issue.input)
      }`;
    case "too_big":
      return issue.origin === "number"
        ? `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`
        : undefined;
    case "too_small":
      return issue.origin === "number"
        ? `must be ${issue.inclusive ? "at least" : "greater than"} ${issue.minimum}`
        : undefined;
    case "unrecognized_keys":
      return issue.inst instanceof z.ZodObject
        ? `allowed keys: ${Object.keys(issue.inst.shape).join(", ")}`
        : undefined;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    record: "a mapping",
    array: "a list",
    string: "a string",
    number: "a number",
    boolean: "true or false",
  };
  return names[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  let node = data;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node === undefined;
}

/** `models.default`, `pipelines[0].severity`: how paths read in messages. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((s, i) =>
    typeof s === "number" ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`
  )
    .join("");
}

function prefixPath(path: readonly PropertyKey[], message: string): string {
  return path.length > 0 ? `${pathText(path)}: ${message}` : message;
}

function inPath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? ` in ${pathText(path)}` : "";
}
