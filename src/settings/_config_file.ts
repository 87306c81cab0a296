/**
 * `loom.yaml`: which file is read, and its keys flattened to the dotted names the rows use.
 * @module
 */
import { parseDocument } from "yaml";
import { didYouMean } from "./_did_you_mean.ts";
import { isMapping } from "./_path.ts";
import type { SettingProblem } from "./problem.ts";

const DEFAULT_CONFIG_PATH = "loom.yaml";

/** The file's values by dotted key, and how problems name a key in it. */
export interface ConfigFile {
  /** The path as the operator gave it. */
  label: string;
  values: Map<string, unknown>;
}

/** Where the file comes from: the flags, the environment and a reader, as the loader got them. */
export interface ConfigFileInput {
  flags: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  readFile: (path: string) => string | null;
}

/**
 * Reads the file named by `--config` or `LOOM_CONFIG`, which must exist, or else `./loom.yaml`
 * if it exists. Problems (unreadable, bad YAML, keys no row reads) go to `problems`.
 */
export function readConfigFile(
  input: ConfigFileInput,
  yamlKeys: readonly string[],
  problems: SettingProblem[],
): ConfigFile {
  const explicit = input.flags.config !== undefined
    ? { name: "--config", path: input.flags.config }
    : input.env.LOOM_CONFIG !== undefined
    ? { name: "LOOM_CONFIG", path: input.env.LOOM_CONFIG }
    : undefined;
  const path = explicit?.path ?? DEFAULT_CONFIG_PATH;
  const empty: ConfigFile = { label: path, values: new Map() };

  let source: string | null;
  try {
    source = input.readFile(path);
  } catch (error) {
    problems.push({
      name: explicit?.name ?? path,
      value: path,
      message: `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    });
    return empty;
  }
  if (source === null) {
    // Only a file the operator asked for must exist; the default one is optional.
    if (explicit) problems.push({ name: explicit.name, value: path, message: "file not found" });
    return empty;
  }
  return { label: path, values: parseConfig(path, source, yamlKeys, problems) };
}

/** Flattens the file to dotted keys, reporting syntax errors and keys no setting reads. */
function parseConfig(
  label: string,
  source: string,
  yamlKeys: readonly string[],
  problems: SettingProblem[],
): Map<string, unknown> {
  const keys = new Set(yamlKeys);
  const groups = new Set(
    yamlKeys.flatMap((key) => {
      const parts = key.split(".");
      return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("."));
    }),
  );
  const values = new Map<string, unknown>();
  const doc = parseDocument(source);
  const syntax = doc.errors[0];
  if (syntax) {
    const where = syntax.linePos ? ` line ${syntax.linePos[0].line}` : "";
    // yaml appends an excerpt of the offending line, which may hold a secret; keep the sentence.
    const sentence = syntax.message.split(/ at line \d+|\n/)[0];
    problems.push({ name: `${label}${where}`, message: `YAML syntax error: ${sentence}` });
    return values;
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // Unresolved or excessive aliases surface only when the document is materialised.
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ name: label, message: `YAML error: ${message}` });
    return values;
  }
  if (data === null || data === undefined) return values;
  if (!isMapping(data)) {
    problems.push({ name: label, message: "must be a mapping of setting names to values" });
    return values;
  }

  const walk = (mapping: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(mapping)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (keys.has(path)) {
        // An empty value (`key:`) reads as "not set", the way templates leave a blank to fill.
        if (value !== null) values.set(path, value);
      } else if (groups.has(path)) {
        if (isMapping(value)) walk(value, path);
        else if (value !== null) {
          problems.push({ name: `${label}: ${path}`, message: "must be a mapping" });
        }
      } else {
        const meant = didYouMean(path, [...keys, ...groups]);
        problems.push({
          name: `${label}: ${path}`,
          message: meant
            ? `unknown setting; did you mean ${meant}?`
            : "unknown setting (see the settings table in the README)",
        });
      }
    }
  };
  walk(data, "");
  return values;
}
