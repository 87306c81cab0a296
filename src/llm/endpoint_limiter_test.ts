import assert from "node:assert/strict";
import { createEndpointLimiter } from "./endpoint_limiter.ts";

const URL_A = "http://127.0.0.1:11434/v1";

Deno.test("a cancelled job leaves the queue: its abort rejects the wait and the next in line goes", async () => {
  const limiter = createEndpointLimiter({ defaultLimit: 1 });
  const first = await limiter.acquire(URL_A, undefined);
  const cancel = new AbortController();
  const cancelled = limiter.acquire(URL_A, undefined, cancel.signal);
  const order: string[] = [];
  const next = limiter.acquire(URL_A, undefined).then((end) => (order.push("next"), end));
  cancel.abort(new Error("job cancelled"));
  await assert.rejects(cancelled, /job cancelled/);
  first();
  (await next)();
  assert.deepEqual(order, ["next"]);
  assert.equal(limiter.inFlight(URL_A), 0);
});

Deno.test("turns go first come first served; a low limit is not starved by higher ones", async () => {
  const limiter = createEndpointLimiter({ defaultLimit: 4 });
  const held = [await limiter.acquire(URL_A, 4), await limiter.acquire(URL_A, 4)];
  const order: string[] = [];
  const strict = limiter.acquire(URL_A, 1).then((end) => (order.push("limit 1"), end));
  const loose = limiter.acquire(URL_A, 4).then((end) => (order.push("limit 4"), end));
  await Promise.resolve();
  assert.deepEqual(order, [], "the limit-1 caller waits, and the one behind it too");
  held.forEach((end) => end());
  (await strict)();
  (await loose)();
  assert.deepEqual(order, ["limit 1", "limit 4"]);
});

Deno.test("the server's cap binds its endpoint only; other servers keep their own turns", async () => {
  const limiter = createEndpointLimiter({ defaultLimit: 3, caps: { [URL_A]: 1 } });
  const a = await limiter.acquire(`${URL_A}/`, 10);
  let second = false;
  const waiting = limiter.acquire(URL_A, 10).then((end) => (second = true, end));
  const other = await Promise.all([1, 2, 3].map(() => limiter.acquire("http://gpu.lan/v1", 10)));
  assert.equal(limiter.inFlight("http://gpu.lan/v1"), 3);
  assert.equal(second, false);
  a();
  (await waiting)();
  other.forEach((end) => end());
  assert.equal(second, true);
});
