/**
 * What a command touches of the outside world, handed in so tests run commands in-process.
 * @module
 */

import { createLogSink, DEFAULT_MAX_PENDING_BYTES, LOG_GATHER_MS } from "../log_sink.ts";

/** Output streams and environment of a command. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Resolves once everything written to `stderr` is out; before the process exits. */
  flush?(): Promise<void>;
}

/**
 * The real process's streams and environment. Standard error goes through a {@link createLogSink}
 * so that `loom serve`'s log lines never block the thread answering webhooks; whatever is still
 * queued when the process ends abnormally is written at once.
 */
export function processIo(): CliIo {
  const sink = createLogSink(Deno.stderr, DEFAULT_MAX_PENDING_BYTES, LOG_GATHER_MS);
  for (const event of ["unload", "error", "unhandledrejection"]) {
    globalThis.addEventListener(event, () => sink.flushSync());
  }
  return {
    stdout: (text) => console.log(text),
    stderr: (text) => sink.write(text),
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    flush: () => sink.flush(),
  };
}

/** Exit codes every command shares. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
