/**
 * Where `loom serve`'s log lines go: standard error, written without blocking the thread that
 * serves webhooks. A line written with `console.error` is a blocking write, and standard error
 * is a pipe (journald, a container runtime, a supervisor) whose reader can fall behind: then
 * every delivery waits until the reader catches up. The sink queues lines and writes them with
 * one asynchronous write at a time, many lines per write, in order. An asynchronous write costs
 * the calling thread about 40 µs (a synchronous one 2 µs): with `gatherMs`, a write waits that
 * long for the lines that follow, so that a busy server pays for a few writes a second instead
 * of one per request.
 *
 * It holds at most `maxPendingBytes` of unwritten lines: past that, while the reader has not
 * caught up, lines are dropped and counted, and one line saying how many follows once it has —
 * a stuck log reader must not exhaust memory or stop Loom answering.
 *
 * @example
 * ```ts
 * import { createLogSink } from "./log_sink.ts";
 * import assert from "node:assert/strict";
 *
 * const written: string[] = [];
 * const sink = createLogSink({
 *   write: (bytes) => (written.push(new TextDecoder().decode(bytes)), Promise.resolve(bytes.length)),
 *   writeSync: (bytes) => bytes.length,
 * });
 * sink.write('{"msg":"one"}');
 * sink.write('{"msg":"two"}');
 * await sink.flush();
 * assert.equal(written.join(""), '{"msg":"one"}\n{"msg":"two"}\n');
 * ```
 * @module
 */

/** The stream a sink writes to: `Deno.stderr`'s shape. */
export interface LogOutput {
  write(bytes: Uint8Array): Promise<number>;
  writeSync(bytes: Uint8Array): number;
}

/** Lines written in order, off the caller's thread. */
export interface LogSink {
  /** Queues one line (a newline is added). */
  write(line: string): void;
  /** Resolves once every line queued so far is written. */
  flush(): Promise<void>;
  /**
   * Writes what is queued at once, blocking: for the process's last moment (`unload`), when no
   * asynchronous write can finish any more.
   */
  flushSync(): void;
}

/** Unwritten log bytes a sink holds before it drops lines: 4 MiB. */
export const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;

/** How long `loom serve`'s log lines wait for the lines that follow before they are written. */
export const LOG_GATHER_MS = 20;

/**
 * Creates a sink writing to `output` (standard error in `loom serve`); each write waits
 * `gatherMs` for more lines (0: writes start at once).
 */
export function createLogSink(
  output: LogOutput,
  maxPendingBytes = DEFAULT_MAX_PENDING_BYTES,
  gatherMs = 0,
): LogSink {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  let writing: Promise<void> | null = null;

  const take = (): Uint8Array => {
    if (dropped > 0 && pendingBytes < maxPendingBytes) {
      pending.push(JSON.stringify({
        time: new Date().toISOString(),
        level: "warn",
        msg: "log lines dropped",
        dropped,
        why: "standard error was not read fast enough",
      }));
      dropped = 0;
    }
    const text = pending.join("\n") + "\n";
    pending = [];
    pendingBytes = 0;
    return encoder.encode(text);
  };

  // One write of everything queued; lines queued meanwhile start the next (see `start`).
  const drain = async () => {
    if (pending.length === 0) return; // flushSync took them while this write gathered
    const bytes = take();
    for (let done = 0; done < bytes.length;) done += await output.write(bytes.subarray(done));
  };
  const gathered = () =>
    gatherMs > 0 ? new Promise((resolve) => setTimeout(resolve, gatherMs)).then(drain) : drain();

  const start = () => {
    writing ??= gathered().catch(() => {
      // Standard error is gone (closed by the supervisor): there is nowhere left to say so.
      pending = [];
      pendingBytes = 0;
    }).finally(() => {
      writing = null;
      if (pending.length > 0) start();
    });
  };

  return {
    write(line) {
      // Lines are ASCII JSON almost always; their length is the bound's measure.
      if (pendingBytes + line.length > maxPendingBytes) {
        dropped++;
        return;
      }
      pending.push(line);
      pendingBytes += line.length + 1;
      start();
    },
    async flush() {
      while (writing !== null) await writing;
    },
    flushSync() {
      if (pending.length === 0) return;
      const bytes = take();
      try {
        for (let done = 0; done < bytes.length;) done += output.writeSync(bytes.subarray(done));
      } catch {
        // As above: nowhere left to write.
      }
    },
  };
}
