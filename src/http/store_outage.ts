/**
 * What the HTTP side saw of a store outage: webhooks that could not be stored. The first failure
 * is logged with its reason, and the end of the outage once a delivery is stored again; the
 * requests in between are answered 503 without a line each (a platform redelivering every few
 * seconds would otherwise fill the log with one reason). `/health` shows the last failure.
 *
 * @example
 * ```ts
 * import { createLogger } from "../log.ts";
 * import { createStoreOutage } from "./store_outage.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const outage = createStoreOutage(createLogger("info", (line) => lines.push(line)));
 * outage.failed("database or disk is full");
 * outage.failed("database or disk is full");
 * assert.equal(lines.length, 1);
 * outage.stored();
 * assert.equal(lines.length, 2);
 * assert.equal(outage.current(), null);
 * ```
 * @module
 */
import type { Logger } from "../log.ts";

/** See the module doc. */
export interface StoreOutage {
  /** A delivery could not be stored for `reason`; logged only when an outage begins. */
  failed(reason: string): void;
  /** A delivery was stored: an outage, if one was on, is over (and that is logged). */
  stored(): void;
  /** The outage going on: since when (epoch ms), how many deliveries were refused, why. */
  current(): { since: number; refused: number; reason: string } | null;
}

/** Creates a {@link StoreOutage} logging to `log`. */
export function createStoreOutage(log: Logger, now: () => number = Date.now): StoreOutage {
  let outage: { since: number; refused: number; reason: string } | null = null;
  return {
    failed(reason) {
      if (outage) {
        outage.refused++;
        outage.reason = reason;
        return;
      }
      outage = { since: now(), refused: 1, reason };
      log.error("store unavailable: webhooks are answered 503 until it is back", {
        error: reason,
      });
    },
    stored() {
      if (!outage) return;
      log.info("store available again: webhooks are accepted", {
        refused: outage.refused,
        down_ms: now() - outage.since,
      });
      outage = null;
    },
    current: () => outage && { ...outage },
  };
}
