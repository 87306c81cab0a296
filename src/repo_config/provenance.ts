/**
 * Where each value of a pull request's effective config came from: the repository's
 * `.loom/config.yaml`, Loom's defaults, or the server's caps (the operator's `LOOM_MAX_*`, which
 * lowered what the file or default asked). `/loom config` shows it, so nobody has to guess why a
 * review did what it did.
 * @module
 */
import { parse } from "yaml";
import type { RepoConfig } from "./schema.ts";

/** Where one value came from. */
export type ValueSource = "file" | "default" | "server cap";

/** One leaf of the effective config. */
export interface ConfigValue {
  /** As errors name it: `models.default.base_url`, `pipelines[0].severity`. */
  path: string;
  /** The value reviews use. */
  value: unknown;
  source: ValueSource;
  /** With `server cap`: what the file or the default asked for. */
  asked?: unknown;
}

/**
 * Every leaf of `config` (lists of plain values are one leaf; lists of mappings, such as
 * `pipelines`, are walked item by item), in the schema's order, with its source: `file` when
 * `text` (the file's YAML, null when there is none) sets it, else `default`; `server cap` when
 * `capped` (the config after `clampToServerCaps`) differs from `config`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configProvenance } from "./provenance.ts";
 * import { RepoConfigSchema } from "./schema.ts";
 *
 * const text = "models: {default: {base_url: 'http://x/v1', model: m}}\n" +
 *   "pipelines: [{name: q, prompt_file: 'builtin:quality'}]\nreview: {max_llm_calls: 99}\n";
 * const config = RepoConfigSchema.parse({
 *   models: { default: { base_url: "http://x/v1", model: "m" } },
 *   pipelines: [{ name: "q", prompt_file: "builtin:quality" }],
 *   review: { max_llm_calls: 99 },
 * });
 * const capped = { ...config, review: { ...config.review, max_llm_calls: 50 } };
 * const values = configProvenance(text, config, capped);
 * assert.deepEqual(values.find((v) => v.path === "models.default.model"), {
 *   path: "models.default.model", value: "m", source: "file",
 * });
 * assert.deepEqual(values.find((v) => v.path === "pipelines[0].severity")?.source, "default");
 * assert.deepEqual(values.find((v) => v.path === "review.max_llm_calls"), {
 *   path: "review.max_llm_calls", value: 50, source: "server cap", asked: 99,
 * });
 * ```
 */
export function configProvenance(
  text: string | null,
  config: RepoConfig,
  capped: RepoConfig,
): ConfigValue[] {
  // The text parsed into this config already, so it parses again; aliases bounded as there.
  const file: unknown = text === null ? undefined : parse(text, { maxAliasCount: 100 });
  const out: ConfigValue[] = [];
  const walk = (path: string, value: unknown, raw: unknown, after: unknown) => {
    if (isMapping(value)) {
      for (const [key, child] of Object.entries(value)) {
        walk(
          path === "" ? key : `${path}.${key}`,
          child,
          isMapping(raw) ? raw[key] : undefined,
          isMapping(after) ? after[key] : undefined,
        );
      }
      return;
    }
    if (Array.isArray(value) && value.some(isMapping)) {
      value.forEach((item, i) =>
        walk(
          `${path}[${i}]`,
          item,
          Array.isArray(raw) ? raw[i] : undefined,
          Array.isArray(after) ? after[i] : undefined,
        )
      );
      return;
    }
    if (!sameValue(value, after)) {
      out.push({ path, value: after, source: "server cap", asked: value });
    } else out.push({ path, value, source: raw === undefined ? "default" : "file" });
  };
  walk("", config, file, capped);
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
