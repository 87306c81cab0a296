/**
 * `/health`: 200 with the queue's counts when the database answers, 503 when it does not (or not
 * within two seconds), so a load balancer or systemd watchdog takes a broken node out.
 *
 * A store that answers reads but refused to store a webhook (a full disk) is still 200, with
 * `status: "degraded"` and the reason: the node serves its dashboard and API, and the webhook
 * route already refuses deliveries with 503 so platforms redeliver. A 503 here would have an
 * orchestrator restart or unroute the only node of a SQLite store, which frees no disk and cuts
 * off the reads that still work.
 * @module
 */
import type { Context } from "hono";
import { type Queue, totalsByStatus } from "../queue/mod.ts";
import type { StoreOutage } from "./store_outage.ts";

const TIMEOUT_MS = 2_000;

/** The handler for GET, POST and HEAD `/health`. */
export function healthHandler(queue: Queue, outage?: StoreOutage) {
  return async (c: Context) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const counts = await Promise.race([
        queue.count(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`database did not answer within ${TIMEOUT_MS / 1000} s`)),
            TIMEOUT_MS,
          );
        }),
      ]);
      const totals = totalsByStatus(counts);
      const queueTotals = { queued: totals.queued, running: totals.running, dead: totals.dead };
      const down = outage?.current();
      if (down) {
        return c.json({
          status: "degraded",
          db: "cannot write",
          error: `webhooks are refused since ${new Date(down.since).toISOString()}: ${down.reason}`,
          queue: queueTotals,
        });
      }
      return c.json({ status: "ok", db: "ok", queue: queueTotals });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return c.json({
        status: "error",
        db: "error",
        error: `the store cannot be reached: ${reason}`,
      }, 503);
    } finally {
      clearTimeout(timer);
    }
  };
}
