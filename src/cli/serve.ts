/**
 * `loom serve`: runs the HTTP server, the worker pool and the queue until SIGTERM or SIGINT.
 * @module
 */
import { createLogger } from "../log.ts";
import { PLATFORM_SETTINGS } from "../../adapters/mod.ts";
import { redactedSettings } from "../settings/mod.ts";
import { startServer } from "../server.ts";
import type { JobHandler } from "../worker/mod.ts";
import { parseCommand, STORE_FLAGS } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";
import { settingsFrom } from "./settings.ts";
import { VERSION } from "./version.ts";

const USAGE = `Usage: loom serve [--port N] [--host ADDR] [--db URL] [--workers N] [--config FILE]
                  [--log-level debug|info|warn|error]

Runs the webhook server, the worker pool and the job queue in one process.
Settings: flags > LOOM_* environment > loom.yaml (--config) > defaults; see the README.

  --port N        port to listen on (LOOM_PORT, 8080)
  --host ADDR     address to bind (LOOM_HOST, 0.0.0.0)
  --db URL        file:PATH (SQLite, default file:./loom.db), :memory:, or postgres://…
  --workers N     concurrent job slots (LOOM_WORKERS, 10); 0 serves HTTP only
  --config FILE   a loom.yaml settings file
  --log-level L   least severe level logged (LOOM_LOG_LEVEL, info)

On SIGTERM or SIGINT it stops claiming jobs, lets running ones finish within
LOOM_SHUTDOWN_GRACE_S seconds, returns the rest to the queue and exits 0.`;

// The settings with a flag (`--port` is the port setting's flag), besides the store's.
const FLAGS = {
  ...STORE_FLAGS,
  port: { type: "string" },
  host: { type: "string" },
  workers: { type: "string" },
  "log-level": { type: "string" },
} as const;

/** Runs `loom serve`; resolves with the exit code once the server has stopped. */
export async function serveCommand(
  args: string[],
  io: CliIo,
  handlers: Record<string, JobHandler> = {},
): Promise<number> {
  const parsed = parseCommand(args, FLAGS, USAGE, io);
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length > 0) {
    io.stderr(`error: unexpected argument ${parsed.positionals[0]}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const settings = settingsFrom(parsed.values, io);
  if (typeof settings === "number") return settings;

  const log = createLogger(settings.logLevel, io.stderr);
  log.info("starting loom", {
    version: VERSION,
    settings: redactedSettings(settings, PLATFORM_SETTINGS),
  });
  let server;
  try {
    server = await startServer(settings, { handlers, log, env: io.env });
  } catch (error) {
    log.error("could not start", { error: error instanceof Error ? error.message : String(error) });
    return EXIT.failure;
  }

  const stopped = Promise.withResolvers<void>();
  const onSignal = (signal: Deno.Signal) => () => {
    log.info("signal received", { signal });
    server.stop().then(stopped.resolve, stopped.reject);
  };
  const signals: [Deno.Signal, () => void][] = [["SIGTERM", onSignal("SIGTERM")], [
    "SIGINT",
    onSignal("SIGINT"),
  ]];
  for (const [signal, listener] of signals) Deno.addSignalListener(signal, listener);
  try {
    await stopped.promise;
    return EXIT.ok;
  } catch (error) {
    log.error("shutdown failed", { error: error instanceof Error ? error.message : String(error) });
    return EXIT.failure;
  } finally {
    for (const [signal, listener] of signals) Deno.removeSignalListener(signal, listener);
  }
}
