/**
 * Carries a queue's in-process signals across threads. A queue wakes the idle workers of its own
 * thread when a job is queued (`context.wakeup`) and aborts a handler running there when its job
 * is cancelled (`context.cancellations`); with jobs on Deno Workers, each thread has a queue of
 * its own, so the HTTP thread's enqueues and cancels must reach the job threads, and a job
 * thread's (a review queues its pipelines, a push cancels a group) the others. The relay sends
 * each signal this thread's queue fires to `send`, and fires here the signals other threads sent,
 * without sending them back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { createQueue } from "../queue/mod.ts";
 * import { type QueueSignal, relayQueueSignals } from "./relay.ts";
 *
 * const store = await openDatabase(":memory:");
 * await migrateToLatest(store);
 * const queue = await createQueue(store);
 * const sent: QueueSignal[] = [];
 * const relay = relayQueueSignals(queue, (signal) => sent.push(signal));
 * const { id } = await queue.enqueue("review", "normal", {});
 * await queue.cancel(id);
 * assert.deepEqual(sent, [{ type: "wake" }, { type: "cancel", id }]);
 * relay.deliver({ type: "cancel", id: 99 }); // another thread's: fired here, not sent back
 * assert.equal(sent.length, 2);
 * relay.close();
 * await queue.close();
 * await store.close();
 * ```
 * @module
 */
import type { Queue } from "../queue/mod.ts";

/** A queue signal as it crosses threads. */
export type QueueSignal = { type: "wake" } | { type: "cancel"; id: number };

/** A relay; see the module doc. */
export interface QueueRelay {
  /** Fires a signal another thread's queue sent on this thread's queue. */
  deliver(signal: QueueSignal): void;
  /** Stops relaying. */
  close(): void;
}

/** Relays `queue`'s signals to `send` until closed; see the module doc. */
export function relayQueueSignals(queue: Queue, send: (signal: QueueSignal) => void): QueueRelay {
  const { wakeup, cancellations } = queue.context;
  const localNotify = wakeup.notify;
  wakeup.notify = () => {
    localNotify.call(wakeup);
    send({ type: "wake" });
  };
  const forward = (id: number) => send({ type: "cancel", id });
  cancellations.add(forward);
  return {
    deliver(signal) {
      if (signal.type === "wake") return localNotify.call(wakeup);
      for (const onCancel of [...cancellations]) if (onCancel !== forward) onCancel(signal.id);
    },
    close() {
      wakeup.notify = localNotify;
      cancellations.delete(forward);
    },
  };
}

/** Whether a message between threads is a {@link QueueSignal}. */
export function isQueueSignal(message: { type?: unknown }): message is QueueSignal {
  return message.type === "wake" || message.type === "cancel";
}
