/**
 * Flag parsing shared by the commands: `node:util` parseArgs in strict mode, with a usage error
 * (exit 2) instead of a stack trace for an unknown or malformed flag, and `--help` answered the
 * same way everywhere.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type CliIo, EXIT } from "./io.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command that opens the store understands. */
export const STORE_FLAGS = {
  db: { type: "string" },
  config: { type: "string" },
} as const satisfies Options;

/** Parsed flags and positionals. */
export type Parsed = {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
};

/**
 * Parses `args` against `options` plus `--help`. Returns the exit code when the command is done
 * already: the usage exit code after printing the problem and `usage`, or success after printing
 * `usage` for `--help`.
 */
export function parseCommand(
  args: string[],
  options: Options,
  usage: string,
  io: CliIo,
): Parsed | number {
  let parsed: Parsed;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    parsed = { values: values as Parsed["values"], positionals };
  } catch (error) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return EXIT.usage;
  }
  if (parsed.values.help) return io.stdout(usage), EXIT.ok;
  return parsed;
}
