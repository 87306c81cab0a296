/**
 * `/health`: 200 with the queue's counts when the database answers, 503 when it does not (or not
 * within two seconds), so a load balancer or systemd watchdog takes a broken node out.
 * @module
 */
import type { Context } from "hono";
import { type Queue, totalsByStatus } from "../queue/mod.ts";

const TIMEOUT_MS = 2_000;

/** The handler for GET, POST and HEAD `/health`. */
export function healthHandler(queue: Queue) {
  return async (c: Context) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const counts = await Promise.race([
        queue.count(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("database did not answer in time")),
            TIMEOUT_MS,
          );
        }),
      ]);
      const totals = totalsByStatus(counts);
      return c.json({
        status: "ok",
        db: "ok",
        queue: { queued: totals.queued, running: totals.running, dead: totals.dead },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return c.json({ status: "error", db: "error", error: reason }, 503);
    } finally {
      clearTimeout(timer);
    }
  };
}
