/**
 * Server settings: where each one comes from, how it is checked, and how it is shown.
 *
 * Each setting is one row (sources, default, description, check), so the README table and the
 * validation cannot drift apart. The core rows live here; each platform's rows live with the
 * platform and reach the loader as a {@link SettingGroup} from the composition root.
 * @module
 */
export { type Check, httpUrl, secretText, text } from "./check.ts";
export type { SettingGroup, SettingRow, SettingRows } from "./setting_row.ts";
export type { CommandsFrom, LlmSettings, LogLevel, Settings } from "./settings.ts";
export { groupSettings, loadSettings, type SettingsInput, type SettingsResult } from "./load.ts";
export { formatProblems, type SettingProblem } from "./problem.ts";
export { redactedSettings } from "./redact.ts";
export { type SettingDoc, settingsMarkdownTable, settingsTable } from "./settings_table.ts";
