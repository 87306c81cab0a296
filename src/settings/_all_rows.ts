/**
 * Every row the loader reads, flattened with its path: the core rows first, then each group's,
 * in the order given (which is the README's order).
 * @module
 */
import { LLM_ROWS, TOP_ROWS } from "./settings.ts";
import type { SettingGroup, SettingRow } from "./setting_row.ts";

/** A row with its path in the loaded settings, e.g. `llm.baseUrl`. */
export interface KeyedRow extends SettingRow<unknown> {
  key: string;
}

function keyed(prefix: string, rows: object): KeyedRow[] {
  return Object.entries(rows).map(([name, row]) => ({
    key: prefix ? `${prefix}.${name}` : name,
    ...(row as SettingRow<unknown>),
  }));
}

/** The core rows and those of `groups`. */
export function allRows(groups: readonly SettingGroup[]): readonly KeyedRow[] {
  return [
    ...keyed("", TOP_ROWS),
    ...keyed("llm", LLM_ROWS),
    ...groups.flatMap((group) => keyed(group.key, group.rows)),
  ];
}
