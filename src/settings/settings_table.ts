/**
 * The settings table: every setting's flag, variable, YAML key, default and description, as the
 * README shows it. Generated from the rows, so the docs always match what the server accepts.
 * @module
 */
import { allRows } from "./_all_rows.ts";
import type { SettingGroup } from "./setting_row.ts";

/** The documented face of one setting: a row of the README table. */
export interface SettingDoc {
  /** Path in the loaded settings, e.g. `llm.baseUrl`. */
  key: string;
  /** Command-line flag, e.g. `--port`; absent for settings too sensitive or rare for one. */
  flag?: string;
  /** Environment variable, e.g. `LOOM_PORT`. */
  env: string;
  /** Key in `loom.yaml`, dotted for nested ones, e.g. `llm.base_url`. */
  yaml: string;
  /** Value used when no source gives one; `undefined` means the setting stays unset. */
  default: string | number | readonly string[] | undefined;
  /** What the setting does, followed by what values it accepts. */
  description: string;
  /** True when the value must never be logged or echoed. */
  secret: boolean;
}

/** The core settings and those of `groups`, in README order. */
export function settingsTable(groups: readonly SettingGroup[]): readonly SettingDoc[] {
  return allRows(groups).map((row) => ({
    key: row.key,
    ...(row.flag ? { flag: row.flag } : {}),
    env: row.env,
    yaml: row.yaml,
    default: row.default as SettingDoc["default"],
    description: [row.about, row.check.rule].filter(Boolean).join(" "),
    secret: row.secret === true,
  }));
}

/** The README's settings table in Markdown: the core settings, then those of `groups`. */
export function settingsMarkdownTable(groups: readonly SettingGroup[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const code = (s: string) => `\`${s}\``;
  const lines = [
    "| Flag | Environment | loom.yaml | Default | Description |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const row of settingsTable(groups)) {
    const cells = [
      row.flag ? code(row.flag) : "",
      code(row.env),
      code(row.yaml),
      showDefault(row.default),
      row.description,
    ];
    lines.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  return lines.join("\n");
}

function showDefault(value: SettingDoc["default"]): string {
  if (value === undefined) return "(unset)";
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : `\`${value.join(",")}\``;
  return `\`${value}\``;
}
