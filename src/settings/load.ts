/**
 * Loading: settings from flags, environment and `loom.yaml`, checked, every problem at once.
 *
 * A value given as a command-line flag wins over a `LOOM_*` environment variable, which wins over
 * `loom.yaml`, which wins over the default. Every problem is reported at once and names the flag,
 * variable or file key the bad value came from, so an operator fixes a deployment in one pass
 * instead of one restart per typo.
 * @module
 */
import { allRows, type KeyedRow } from "./_all_rows.ts";
import { type ConfigFile, readConfigFile } from "./_config_file.ts";
import { setPath } from "./_path.ts";
import type { SettingProblem } from "./problem.ts";
import { shownValue } from "./redact.ts";
import type { Settings } from "./settings.ts";
import type { SettingGroup } from "./setting_row.ts";

/** What {@link loadSettings} needs from the outside world; tests hand in plain objects. */
export interface SettingsInput {
  /** Parsed flags keyed by name without dashes (`port`, `log-level`, `config`). */
  flags: Record<string, string | undefined>;
  /** The process environment. */
  env: Record<string, string | undefined>;
  /** Reads a text file; `null` when it does not exist. May throw for other failures. */
  readFile: (path: string) => string | null;
  /**
   * The groups read besides the core settings: each platform's, handed in by the composition
   * root (the core cannot import the platforms). Their keys are known to `loom.yaml` too.
   */
  groups: readonly SettingGroup[];
}

/** Either valid settings or everything that is wrong with them. */
export type SettingsResult =
  | { ok: true; settings: Settings }
  | { ok: false; problems: SettingProblem[] };

/**
 * Reads settings from flags, environment and `loom.yaml` (in that order of precedence) and
 * validates them, collecting every problem rather than stopping at the first.
 *
 * The file is the one named by `--config` or `LOOM_CONFIG`, which must exist; otherwise
 * `./loom.yaml` is read if it exists. Unknown keys in the file are problems, since a misspelt key
 * would otherwise be silently ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSettings } from "./load.ts";
 * import { formatProblems } from "./problem.ts";
 *
 * const result = loadSettings({
 *   flags: { port: "9000" },
 *   env: { LOOM_PORT: "8000" },
 *   readFile: () => null,
 *   groups: [],
 * });
 * if (!result.ok) throw new Error(formatProblems(result.problems));
 * assert.equal(result.settings.port, 9000); // a flag wins over the environment
 *
 * const wrong = loadSettings({
 *   flags: { port: "abc" },
 *   env: {},
 *   readFile: () => null,
 *   groups: [],
 * });
 * assert.ok(!wrong.ok);
 * assert.deepEqual(wrong.problems.map((p) => p.name), ["--port"]);
 * ```
 */
export function loadSettings(input: SettingsInput): SettingsResult {
  const rows = allRows(input.groups);
  const problems: SettingProblem[] = [];
  const file = readConfigFile(input, rows.map((row) => row.yaml), problems);

  const settings: Record<string, unknown> = {};
  for (const row of rows) {
    // A group exists even when all its settings are unset (`gitea.url` is undefined, not a
    // crash).
    const group = row.key.split(".");
    if (group.length > 1) settings[group[0]] ??= {};
    const given = pickSource(row, input, file);
    if (given === undefined) {
      if (row.default !== undefined) setPath(settings, row.key, structuredClone(row.default));
      continue;
    }
    const parsed = row.check.schema.safeParse(given.raw);
    if (parsed.success) {
      setPath(settings, row.key, parsed.data);
    } else {
      const messages = [...new Set(parsed.error.issues.map((issue) => issue.message))];
      problems.push({
        name: given.name,
        value: shownValue(given.raw, row.secret === true),
        message: messages.join("; "),
      });
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: settings as unknown as Settings };
}

/**
 * The values of `group` in settings loaded with it, typed as the group's owner declared them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupSettings, loadSettings, type SettingGroup, text } from "./mod.ts";
 *
 * const demo: SettingGroup<{ name?: string }> = {
 *   key: "demo",
 *   rows: {
 *     name: {
 *       env: "LOOM_DEMO_NAME",
 *       yaml: "demo.name",
 *       default: undefined,
 *       about: "A name.",
 *       check: text,
 *     },
 *   },
 * };
 * const env = { LOOM_DEMO_NAME: "x" };
 * const result = loadSettings({ flags: {}, env, readFile: () => null, groups: [demo] });
 * if (!result.ok) throw new Error("invalid settings");
 * const name: string | undefined = groupSettings(result.settings, demo).name;
 * assert.equal(name, "x");
 * ```
 */
export function groupSettings<S>(settings: Settings, group: SettingGroup<S>): S {
  // The loader put exactly the group's rows, checked, under its key.
  return (settings as unknown as Record<string, unknown>)[group.key] as S;
}

interface Given {
  name: string;
  raw: unknown;
}

function pickSource(row: KeyedRow, input: SettingsInput, file: ConfigFile): Given | undefined {
  if (row.flag) {
    const value = input.flags[row.flag.slice(2)];
    if (value !== undefined) return { name: row.flag, raw: value };
  }
  const fromEnv = input.env[row.env];
  if (fromEnv !== undefined) return { name: row.env, raw: fromEnv };
  if (file.values.has(row.yaml)) {
    return { name: `${file.label}: ${row.yaml}`, raw: file.values.get(row.yaml) };
  }
  return undefined;
}
