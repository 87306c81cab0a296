/**
 * The server's settings as the commands load them: the core ones and every platform's, from the
 * flags, the environment and `loom.yaml`.
 * @module
 */
import { PLATFORM_SETTINGS } from "../../adapters/mod.ts";
import { formatProblems, loadSettings, type Settings } from "../settings/mod.ts";
import type { Parsed } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";

/**
 * Loads settings with the string flags as the top layer; prints every problem and returns the
 * usage exit code when they are invalid.
 */
export function settingsFrom(values: Parsed["values"], io: CliIo): Settings | number {
  const flags: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "string") flags[key] = value;
  }
  const result = loadSettings({
    flags,
    env: io.env,
    readFile: (path) => {
      try {
        return Deno.readTextFileSync(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      }
    },
    groups: PLATFORM_SETTINGS,
  });
  if (!result.ok) {
    io.stderr(`loom: invalid settings\n${formatProblems(result.problems)}`);
    return EXIT.usage;
  }
  return result.settings;
}
