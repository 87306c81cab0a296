/**
 * The `loom` command: `serve | review | eval | config validate | migrate | backup | jobs | version`.
 * @module
 */
import { backupCommand } from "./src/cli/backup.ts";
import { configValidateCommand } from "./src/cli/config_validate.ts";
import { evalCommand } from "./src/cli/eval.ts";
import { jobsCommand } from "./src/cli/jobs.ts";
import { type CliIo, EXIT, processIo } from "./src/cli/io.ts";
import { migrateCommand } from "./src/cli/migrate.ts";
import { reviewCommand } from "./src/cli/review.ts";
import { serveCommand } from "./src/cli/serve.ts";
import { versionCommand } from "./src/cli/version.ts";

const USAGE = `Loom — self-hosted AI code review

Usage: loom <command> [options]

Commands:
  serve              run the webhook server, worker pool and job queue
  review             review a local git change with no server (CI gate)
  eval               score the engine and a model on a labelled set of changes
  config validate    check a repository's .loom/config.yaml and its prompts
  migrate            apply pending database migrations
  backup             write a consistent copy of the SQLite store, also while it runs
  jobs               list, show, retry or cancel queued jobs
  version            print the version

Run 'loom <command> --help' for a command's options.`;

type Command = (args: string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: (args, io) => serveCommand(args, io),
  review: (args, io) => reviewCommand(args, io),
  eval: (args, io) => evalCommand(args, io),
  config: (args, io) => {
    if (args[0] === "validate") return configValidateCommand(args.slice(1), io);
    io.stderr(`loom config: unknown subcommand '${args[0] ?? ""}' (try 'loom config validate')`);
    return EXIT.usage;
  },
  migrate: migrateCommand,
  backup: backupCommand,
  jobs: jobsCommand,
  version: versionCommand,
};

/** Runs the CLI with `args`; resolves with the exit code. */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version") return versionCommand([], io);
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`loom: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  return await command(rest, io);
}

if (import.meta.main) {
  const io = processIo();
  const code = await main(Deno.args, io);
  await io.flush?.();
  Deno.exit(code);
}
