/**
 * Structured logging: one JSON object per line, so journald, Loki or `jq` can read it.
 * @module
 */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Writes log lines; fields are merged into the line. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  with(fields: Record<string, unknown>): Logger;
}

/**
 * Creates a logger writing lines at or above `level` through `write` (stderr by default, so a
 * command's own output on stdout stays clean).
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const log = createLogger("info", (line) => lines.push(line));
 * log.info("listening", { port: 8080 });
 * log.debug("below the level: dropped");
 * assert.equal(lines.length, 1);
 * const { time, ...rest } = JSON.parse(lines[0]);
 * assert.deepEqual(rest, { level: "info", msg: "listening", port: 8080 });
 * assert.ok(!Number.isNaN(Date.parse(time)));
 * ```
 */
export function createLogger(
  level: LogLevel = "info",
  write: (line: string) => void = (line) => console.error(line),
  base: Record<string, unknown> = {},
): Logger {
  const emit = (at: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...base, ...fields }));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    with: (fields) => createLogger(level, write, { ...base, ...fields }),
  };
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = createLogger("error", () => {});
