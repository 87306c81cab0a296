/**
 * Flag parsing shared by the commands: `node:util` parseArgs in strict mode, with a usage error
 * (exit 2) instead of a stack trace for an unknown or malformed flag.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { formatProblems, loadSettings, type Settings } from "../settings.ts";
import { type CliIo, EXIT } from "./io.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command that opens the store understands. */
export const STORE_FLAGS = {
  db: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/** Parsed flags and positionals, or the exit code after a usage error was printed. */
export type Parsed = {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
};

/** Parses `args`; on error prints the problem and `usage` and returns the usage exit code. */
export function parseFlags(
  args: string[],
  options: Options,
  usage: string,
  io: CliIo,
): Parsed | number {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (error) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return EXIT.usage;
  }
}

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
  });
  if (!result.ok) {
    io.stderr(`loom: invalid settings\n${formatProblems(result.problems)}`);
    return EXIT.usage;
  }
  return result.settings;
}
