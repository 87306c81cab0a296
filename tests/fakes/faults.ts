/**
 * Fault injection for every fake server: a plan of faults per route that the fake applies to the
 * requests it receives, so the fault suite and the soak (`tests/faults_test.ts`,
 * `bench/soak.ts`) break a fake platform or model the same way.
 *
 * A fault is what goes wrong with one request: a status instead of the real answer (a 5xx burst,
 * a 429 without `Retry-After`), a hang before the fake answers, a connection dropped after the
 * fake did the work (the write landed, the client never learns it), or a hook that runs while
 * the request is held (a test kills Loom there). A rule says which requests a fault takes: the
 * next `times` matching ones, or each matching one with a probability drawn from a seeded
 * generator, so a soak's draws are the same for the same seed. The plan counts what it injected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { json, startFakeServer } from "./fake_server.ts";
 * import { fault } from "./faults.ts";
 *
 * await using server = startFakeServer({ handle: () => json({ ok: true }) });
 * server.faults.add(fault.status(503), { path: "/a", times: 2 });
 * server.faults.add(fault.rateLimited(), { method: "POST" });
 * const get = async () => {
 *   const res = await fetch(`${server.origin}/a`);
 *   await res.body?.cancel();
 *   return res.status;
 * };
 * assert.deepEqual([await get(), await get(), await get()], [503, 503, 200]);
 * const post = await fetch(`${server.origin}/a`, { method: "POST" });
 * await post.body?.cancel();
 * assert.equal(post.status, 429);
 * assert.equal(post.headers.get("retry-after"), null);
 * assert.deepEqual(server.faults.counts(), { status: 2, rate_limited: 1 });
 * ```
 * @module
 */

/** What a fault matches a request on; see {@link FaultRule}. */
export interface FaultTarget {
  method: string;
  /** The path as the fake records it (below its prefix, without the query string). */
  path: string;
}

/** One thing that goes wrong with a request; build them with {@link fault}. */
export type Fault =
  | {
    /** The fake answers this instead of its real answer; the request does nothing. */
    kind: "status" | "rate_limited";
    status: number;
    /** Sent as JSON unless it is a string. */
    body?: unknown;
    headers?: Record<string, string>;
  }
  | {
    /** The fake waits `ms` before it handles the request (a slow or stuck remote). */
    kind: "hang";
    ms: number;
  }
  | {
    /**
     * The fake handles the request (its writes land), sends the status line and headers, then
     * breaks the connection before the body: the client sees the call fail after it took effect.
     */
    kind: "drop";
  }
  | {
    /**
     * The fake handles the request, then holds its answer until `run` settles: `run` sees the
     * request while the client waits for the answer (a test kills Loom there).
     */
    kind: "hold";
    run(req: FaultTarget): void | Promise<void>;
  };

/** The kind of a {@link Fault}, as {@link FaultPlan.counts} names it. */
export type FaultKind = Fault["kind"];

/** Which requests a fault takes; all requests when empty. */
export interface FaultRule {
  method?: string;
  /** The recorded path: equal to a string, or matching a RegExp. */
  path?: string | RegExp;
  /** How many matching requests it takes; `Infinity` by default with `chance`, else 1. */
  times?: number;
  /** Each matching request is taken with this probability, drawn from `random`. */
  chance?: number;
  /** Draws `chance`: `Math.random` by default; {@link seededRandom} to replay a run's draws. */
  random?: () => number;
}

/** The faults a fake applies; see {@link createFaultPlan}. */
export interface FaultPlan {
  /** Adds a rule: `fault` for the requests `rule` picks. Rules are tried in the order added. */
  add(fault: Fault | (() => Fault), rule?: FaultRule): void;
  /** Drops every rule (what was injected stays counted). */
  clear(): void;
  /** The fault for this request, if a rule takes it; counts it. */
  take(req: FaultTarget): Fault | undefined;
  /** Answers `req` through `answer` with the fault a rule takes applied. */
  apply(req: FaultTarget, answer: () => Promise<Response>): Promise<Response>;
  /** How many faults were injected, by kind. */
  counts(): Partial<Record<FaultKind, number>>;
  /** How many faults were injected in all. */
  injected(): number;
}

/** Builders for the faults the suite injects. */
export const fault = {
  /** The platform's or model's own failure: `status` (a 5xx burst is several of them). */
  status(status: number, body: unknown = { message: "Service Unavailable" }): Fault {
    return { kind: "status", status, body };
  },
  /**
   * 429 with no `Retry-After` and no reset header, as Bitbucket Cloud sends it; with
   * `retryAfterS`, a `Retry-After` in seconds.
   */
  rateLimited(retryAfterS?: number): Fault {
    return {
      kind: "rate_limited",
      status: 429,
      body: "Rate limit for this resource has been exceeded",
      headers: {
        "content-type": "text/plain; charset=utf-8",
        ...(retryAfterS === undefined ? {} : { "retry-after": String(retryAfterS) }),
      },
    };
  },
  /** Waits `ms` before the fake handles the request. */
  hang(ms: number): Fault {
    return { kind: "hang", ms };
  },
  /** Handles the request, then breaks the connection before the answer's body. */
  drop(): Fault {
    return { kind: "drop" };
  },
  /** Handles the request, then holds the answer until `run` settles. */
  hold(run: (req: FaultTarget) => void | Promise<void>): Fault {
    return { kind: "hold", run };
  },
};

/**
 * A generator of numbers in [0, 1) from a 32-bit seed (mulberry32): the soak prints its seed,
 * and the same seed injects the same faults into the same sequence of requests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./faults.ts";
 *
 * const [a, b] = [seededRandom(42), seededRandom(42)];
 * const draws = [a(), a(), a()];
 * assert.deepEqual(draws, [b(), b(), b()]);
 * assert.ok(draws.every((x) => x >= 0 && x < 1));
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An empty plan. Every fake server holds one (`server.faults`) and applies it to each request. */
export function createFaultPlan(): FaultPlan {
  const rules: { fault: Fault | (() => Fault); rule: FaultRule; left: number }[] = [];
  const counted: Partial<Record<FaultKind, number>> = {};

  const take = (req: FaultTarget): Fault | undefined => {
    for (const r of rules) {
      if (r.left <= 0 || !matches(r.rule, req)) continue;
      const { chance, random = Math.random } = r.rule;
      if (chance !== undefined && random() >= chance) continue;
      r.left--;
      const f = typeof r.fault === "function" ? r.fault() : r.fault;
      counted[f.kind] = (counted[f.kind] ?? 0) + 1;
      return f;
    }
    return undefined;
  };

  return {
    add(f, rule = {}) {
      const left = rule.times ?? (rule.chance === undefined ? 1 : Infinity);
      rules.push({ fault: f, rule, left });
    },
    clear() {
      rules.length = 0;
    },
    take,
    async apply(req, answer) {
      const f = take(req);
      if (!f) return await answer();
      switch (f.kind) {
        case "status":
        case "rate_limited": {
          const text = f.body === undefined || typeof f.body === "string"
            ? f.body ?? null
            : JSON.stringify(f.body);
          const type = typeof f.body === "string" ? "text/plain" : "application/json";
          return new Response(text, {
            status: f.status,
            headers: { "content-type": type, ...f.headers },
          });
        }
        case "hang":
          await new Promise((resolve) => setTimeout(resolve, f.ms));
          return await answer();
        case "drop": {
          const real = await answer();
          await real.body?.cancel();
          return new Response(brokenBody(), { status: real.status, headers: real.headers });
        }
        case "hold": {
          const real = await answer();
          await f.run(req);
          return real;
        }
      }
    },
    counts: () => ({ ...counted }),
    injected: () => Object.values(counted).reduce((a, b) => a + (b ?? 0), 0),
  };
}

class DroppedConnection extends Error {}

/** Whether a fake server's error is a {@link fault.drop} doing its job (not worth reporting). */
export function isDroppedConnection(error: unknown): boolean {
  return error instanceof DroppedConnection;
}

/** A body that fails at once: the server breaks the connection after the headers. */
function brokenBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.error(new DroppedConnection("connection dropped by the fault plan"));
    },
  });
}

function matches(rule: FaultRule, req: FaultTarget): boolean {
  if (rule.method && rule.method.toUpperCase() !== req.method) return false;
  if (!rule.path) return true;
  return typeof rule.path === "string" ? rule.path === req.path : rule.path.test(req.path);
}
