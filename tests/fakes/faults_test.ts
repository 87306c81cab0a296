import assert from "node:assert/strict";
import { json, startFakeServer } from "./fake_server.ts";
import { createFaultPlan, fault, seededRandom } from "./faults.ts";

/** A fake that counts the writes it handled: what a dropped or held answer must not undo. */
function counter() {
  let writes = 0;
  const server = startFakeServer({
    handle: (req) => {
      if (req.method === "POST") writes++;
      return json({ id: writes }, req.method === "POST" ? 201 : 200);
    },
  });
  return { server, writes: () => writes };
}

Deno.test("faults: a dropped connection: the write landed, the client sees the call fail", async () => {
  const { server, writes } = counter();
  await using _ = server;
  server.faults.add(fault.drop(), { method: "POST", times: 1 });
  const res = await fetch(`${server.origin}/comments`, { method: "POST", body: "{}" });
  assert.equal(res.status, 201);
  await assert.rejects(res.json(), TypeError);
  assert.equal(writes(), 1, "the fake handled it");
  const again = await fetch(`${server.origin}/comments`, { method: "POST", body: "{}" });
  assert.deepEqual(await again.json(), { id: 2 }, "only the next request was dropped");
  assert.deepEqual(server.faults.counts(), { drop: 1 });
});

Deno.test("faults: a hold runs while the client waits, after the write landed", async () => {
  const { server, writes } = counter();
  await using _ = server;
  const seen: [string, number][] = [];
  const answered: string[] = [];
  server.faults.add(
    fault.hold((req) => {
      seen.push([req.path, writes()]);
      assert.deepEqual(answered, [], "the client has no answer yet");
    }),
    { path: /^\/issues\/\d+\/comments$/ },
  );
  const res = await fetch(`${server.origin}/issues/7/comments`, { method: "POST", body: "{}" });
  answered.push(String(res.status));
  assert.deepEqual(await res.json(), { id: 1 });
  assert.deepEqual(seen, [["/issues/7/comments", 1]]);
});

Deno.test("faults: a hang answers late with the real answer; a status answers instead of it", async () => {
  const { server, writes } = counter();
  await using _ = server;
  server.faults.add(fault.hang(20), { method: "GET" });
  server.faults.add(fault.status(503), { method: "POST", times: 2 });
  const got = await fetch(`${server.origin}/x`);
  assert.deepEqual(await got.json(), { id: 0 });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${server.origin}/x`, { method: "POST" });
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { message: "Service Unavailable" });
  }
  assert.equal(writes(), 0, "a status fault does nothing on the fake");
  assert.deepEqual(server.faults.counts(), { hang: 1, status: 2 });
  assert.equal(server.faults.injected(), 3);
});

Deno.test("faults: chances are drawn from the rule's generator: one seed, the same faults", () => {
  const taken = (seed: number) => {
    const plan = createFaultPlan();
    plan.add(fault.status(500), { chance: 0.3, random: seededRandom(seed) });
    return Array.from({ length: 200 }, () => plan.take({ method: "GET", path: "/a" }) ? 1 : 0);
  };
  const first = taken(42);
  assert.deepEqual(taken(42), first);
  assert.notDeepEqual(taken(43), first);
  const n = first.reduce((a: number, b) => a + b, 0);
  assert.ok(n > 30 && n < 90, `about 60 of 200 taken, got ${n}`);
});

Deno.test("faults: rules are tried in order, a factory builds each fault, clear() drops the rules", () => {
  const plan = createFaultPlan();
  let built = 0;
  plan.add(() => fault.hang(++built), { path: "/a", times: 1 });
  plan.add(fault.rateLimited(), { times: 2 });
  const req = { method: "GET", path: "/a" };
  assert.deepEqual(plan.take(req), { kind: "hang", ms: 1 });
  assert.equal(plan.take(req)?.kind, "rate_limited");
  plan.clear();
  assert.equal(plan.take(req), undefined);
  assert.deepEqual(plan.counts(), { hang: 1, rate_limited: 1 });
});
