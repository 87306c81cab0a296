/**
 * Rewrites the README's settings table from the settings themselves (the core rows and every
 * platform's), so that a new setting reaches the README by running `deno task docs:settings`
 * rather than by hand; `src/cli/settings_test.ts` fails when the README is behind.
 * @module
 */
import { PLATFORM_SETTINGS } from "../adapters/mod.ts";
import { settingsMarkdownTable } from "../src/settings/mod.ts";

const HEADER = "| Flag | Environment | loom.yaml | Default | Description |";

/**
 * `readme` with its settings table (the block of table lines that starts at {@link HEADER})
 * replaced by `table`; throws when the README has no such table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceSettingsTable } from "./readme_settings.ts";
 *
 * const readme = "# Settings\n\n| Flag | Environment | loom.yaml | Default | Description |\n| --- |\n| old |\n\nAfter.\n";
 * const table = "| Flag | Environment | loom.yaml | Default | Description |\n| new |";
 * assert.equal(replaceSettingsTable(readme, table), `# Settings\n\n${table}\n\nAfter.\n`);
 * ```
 */
export function replaceSettingsTable(readme: string, table: string): string {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l.replace(/\s+/g, " ").trim() === HEADER);
  if (start < 0) throw new Error("the README has no settings table");
  let end = start;
  while (end < lines.length && lines[end].startsWith("|")) end++;
  return [...lines.slice(0, start), table, ...lines.slice(end)].join("\n");
}

if (import.meta.main) {
  const path = new URL("../README.md", import.meta.url);
  const readme = await Deno.readTextFile(path);
  await Deno.writeTextFile(
    path,
    replaceSettingsTable(readme, settingsMarkdownTable(PLATFORM_SETTINGS)),
  );
}
