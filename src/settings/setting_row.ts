/**
 * How one setting is described: where it is read from, its default, what it means and how it is
 * checked, all in one row so the README table and the validation cannot drift apart.
 * @module
 */
import type { Check } from "./check.ts";

/** One setting: its sources, default, description and check. */
export interface SettingRow<T> {
  /** Command-line flag; absent for settings too sensitive (ps shows command lines) or too rare. */
  flag?: `--${string}`;
  /** Environment variable. */
  env: `LOOM_${string}`;
  /** Key in `loom.yaml`, dotted for nested ones, e.g. `llm.base_url`. */
  yaml: string;
  /** Value used when no source gives one; `undefined` means the setting stays unset. */
  default: T;
  /** What the setting does; the check's rule is appended in the table. */
  about: string;
  check: Check<Exclude<T, undefined>>;
  /** The value must never be logged or echoed. */
  secret?: true;
}

/**
 * A row for every field of `S`, so a field without its row (or a row without its field, or a
 * check of the wrong type) fails to compile.
 */
export type SettingRows<S> = { readonly [K in keyof S & string]-?: SettingRow<S[K]> };

/**
 * Settings that sit together under one key of the loaded settings, e.g. a platform's
 * (`github.apiUrl`, `github.token`…). Whoever declares the group types its values as `S`.
 */
export interface SettingGroup<S = unknown> {
  /** The group's key in the loaded settings, e.g. `azureDevops`. */
  key: string;
  rows: SettingRows<S>;
}
