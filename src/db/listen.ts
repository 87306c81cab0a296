/**
 * A PostgreSQL LISTEN that outlives its connection: after any error, end or failed liveness ping
 * it reconnects with backoff, LISTENs again and fires `onNotify` once, because a notification sent
 * while it was away is lost and a job may be waiting. Until then workers find jobs by polling.
 *
 * A LISTEN connection only reads, so a half-open socket (the server vanished without a FIN) would
 * look idle for ever; the ping every `pingMs` with a read timeout is what notices it.
 *
 * @example
 * ```ts ignore
 * import pg from "pg";
 * import { listenForever } from "./listen.ts";
 *
 * const stop = await listenForever(() => new pg.Client(config), "loom_jobs", () => wake());
 * await stop();
 * ```
 * @module
 */
// @ts-types="npm:@types/pg@8.20.0"
import type pg from "pg";

/** Options of {@link listenForever}. */
export interface ListenOptions {
  /** First reconnect delay; it doubles (with jitter) up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How often an idle connection is proven alive with `select 1`. */
  pingMs?: number;
  /** Told when the connection is lost (with why) and when it is back (null). */
  onState?: (lost: string | null) => void;
}

/**
 * LISTENs on `channel` through clients made by `makeClient` until the returned function is
 * called. The first connection must succeed (the store was just reached); later ones are retried
 * for as long as it takes.
 */
export async function listenForever(
  makeClient: () => pg.Client,
  channel: string,
  onNotify: () => void,
  options: ListenOptions = {},
): Promise<() => Promise<void>> {
  const minDelayMs = options.minDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const pingMs = options.pingMs ?? 15_000;
  let stopped = false;
  // Only a connection that once worked is retried: a first one that fails is the caller's error.
  let started = false;
  let client: pg.Client | undefined;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;

  const connect = async (): Promise<void> => {
    const next = makeClient();
    let dropped = false;
    const drop = (why: string) => {
      if (dropped) return;
      dropped = true;
      clearInterval(pingTimer);
      // end() on a broken socket may never settle; nobody waits for it.
      next.end().catch(() => {});
      if (client === next) client = undefined;
      if (stopped || !started) return;
      options.onState?.(why);
      schedule();
    };
    next.on("error", (error) => drop(error.message));
    next.on("end", () => drop("connection ended"));
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await next.connect();
      await next.query(`listen "${channel}"`);
    } catch (error) {
      drop(error instanceof Error ? error.message : String(error));
      throw error;
    }
    if (dropped) throw new Error("the LISTEN connection dropped while it was set up");
    client = next;
    pingTimer = setInterval(() => {
      // query_timeout is a per-query option of pg the types do not list.
      const ping = { text: "select 1", query_timeout: pingMs } as pg.QueryConfig;
      next.query(ping).catch((error: Error) => drop(`liveness ping failed: ${error.message}`));
    }, pingMs);
  };

  const schedule = () => {
    if (stopped || retryTimer !== undefined) return;
    const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** failures);
    failures++;
    // Equal jitter: nodes that lost the server together do not reconnect in lockstep.
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      if (stopped) return;
      try {
        await connect();
        if (stopped) return;
        failures = 0;
        options.onState?.(null);
        onNotify();
      } catch {
        // connect() already scheduled the next try.
      }
    }, delay);
  };

  await connect();
  started = true;
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    await client?.end().catch(() => {});
  };
}
