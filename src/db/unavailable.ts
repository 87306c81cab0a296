/**
 * Which store errors are an outage — the database cannot be reached, or cannot write (a full
 * disk) — rather than a bug: a caller answers those "try again later" (a webhook's 503) and
 * expects them to pass, where any other error is a fault to report.
 *
 * @example
 * ```ts
 * import { storeUnavailable } from "./unavailable.ts";
 * import assert from "node:assert/strict";
 *
 * const full = Object.assign(new Error("SQLITE_FULL: database or disk is full"), {
 *   code: "SQLITE_FULL",
 * });
 * assert.equal(storeUnavailable(full), "SQLITE_FULL: database or disk is full");
 * assert.equal(storeUnavailable(new TypeError("x is undefined")), null);
 * ```
 * @module
 */

// SQLite: no space, the disk failing, the file read-only or locked past busy_timeout.
const SQLITE_CODES = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM)/;
// PostgreSQL SQLSTATE classes: 08 connection exception, 53 insufficient resources (53100 disk
// full), 57P01-57P05 the server shutting down or not accepting connections, 57014 a statement
// timeout, 25006 a read-only transaction (a standby after failover), 40001/40P01 conflicts.
const POSTGRES_STATES = /^(08|53|57P0|57014|25006|40001|40P01)/;
// Node's socket errors, as pg reports a server that is gone or never answered.
const SOCKET_CODES =
  /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
// pg's own words for a connection that ended or a read that timed out.
const PG_MESSAGES =
  /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|connection ended/i;

/**
 * The reason to give when `error` means the store is unreachable or cannot write for now, else
 * null (the error is a bug or bad input, and retrying will not help).
 */
export function storeUnavailable(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = String((error as { code?: unknown }).code ?? "");
  if (SQLITE_CODES.test(code) || POSTGRES_STATES.test(code) || SOCKET_CODES.test(code)) {
    return error.message || code;
  }
  if (PG_MESSAGES.test(error.message)) return error.message;
  // AggregateError: a connect that tried every address of a host name and failed on each.
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const reason = storeUnavailable(inner);
      if (reason) return reason;
    }
  }
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? storeUnavailable(cause) : null;
}
