import assert from "node:assert/strict";
import { createBatcher } from "./batcher.ts";

/** A flush that runs synchronously, as a SQLite insert on this thread does. */
function syncStore() {
  const commits: number[][] = [];
  const flush = (items: number[]) => {
    commits.push([...items]);
    return Promise.resolve(items.map(() => undefined));
  };
  return { commits, flush };
}

/** Deliveries that each arrive in their own I/O callback of one turn, as a burst's bodies do. */
function deliverInOneTurn(n: number, add: (i: number) => Promise<void>): Promise<void[]> {
  return new Promise((resolve) => {
    const pending: Promise<void>[] = [];
    // One channel message per delivery: each handler runs in a task of its own.
    const channel = new MessageChannel();
    let received = 0;
    channel.port2.onmessage = ({ data }) => {
      pending.push(add(data));
      if (++received === n) {
        channel.port2.close();
        resolve(Promise.all(pending));
      }
    };
    for (let i = 0; i < n; i++) channel.port1.postMessage(i);
  });
}

Deno.test("group commit on SQLite: deliveries of one event-loop turn share one commit when gathering", async () => {
  const gathered = syncStore();
  const gathering = createBatcher(gathered.flush, { gather: true, gatherMax: 100 });
  await deliverInOneTurn(20, (i) => gathering.add(i));
  assert.ok(gathered.commits.length <= 2, `commits: ${JSON.stringify(gathered.commits)}`);
  assert.deepEqual(gathered.commits.flat(), Array.from({ length: 20 }, (_, i) => i));

  // Without gathering, a synchronous store commits each delivery alone.
  const alone = syncStore();
  const eager = createBatcher(alone.flush);
  await deliverInOneTurn(20, (i) => eager.add(i));
  assert.equal(alone.commits.length, 20);
});

Deno.test("group commit: a lone delivery is committed before a timer of 0 ms fires", async () => {
  const store = syncStore();
  const batcher = createBatcher(store.flush, { gather: true });
  let timerFired = false;
  setTimeout(() => timerFired = true, 0);
  await batcher.add(1);
  assert.equal(timerFired, false);
  assert.deepEqual(store.commits, [[1]]);
});

Deno.test("group commit: a failed commit fails every delivery in it, and the next batch is tried", async () => {
  let fail = true;
  const batcher = createBatcher((items: number[]) => {
    if (fail) return Promise.reject(new Error("disk full"));
    return Promise.resolve(items.map((n) => n));
  }, { gather: true });
  const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  fail = false;
  assert.equal(await batcher.add(3), 3);
});

Deno.test("group commit: a long turn commits every gatherMax deliveries, so the first are answered before the last arrive", async () => {
  const store = syncStore();
  const batcher = createBatcher(store.flush, { gather: true, gatherMax: 5 });
  await deliverInOneTurn(12, (i) => batcher.add(i));
  assert.deepEqual(store.commits.map((c) => c.length).slice(0, 2), [5, 5]);
  assert.deepEqual(store.commits.flat(), Array.from({ length: 12 }, (_, i) => i));
});
