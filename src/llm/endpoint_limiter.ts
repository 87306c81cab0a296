/**
 * Fair use of one model server: a process-wide cap on the calls in flight to each endpoint.
 * @module
 */

/** Hands out turns at model endpoints; one per process, shared by every job. */
export interface EndpointLimiter {
  /**
   * Waits until a call to `baseUrl` may start, then resolves with the function that ends its
   * turn (call it once, when the answer is read or the call failed). `limit` is what the model's
   * config asks (`max_concurrency`); the limiter's default applies when it is unset, and the
   * operator's cap for that endpoint when it is lower. Rejects with the signal's reason when
   * `signal` aborts first, leaving the queue as if the call had never asked.
   */
  acquire(baseUrl: string, limit: number | undefined, signal?: AbortSignal): Promise<() => void>;
  /** Calls in flight to `baseUrl` now (for tests and metrics). */
  inFlight(baseUrl: string): number;
}

/** Options of {@link createEndpointLimiter}. */
export interface EndpointLimiterOptions {
  /** The limit of a model that sets no `max_concurrency` (`LOOM_LLM_MAX_CONCURRENCY`). */
  defaultLimit: number;
  /**
   * Caps by base URL that no config may exceed: the server's own endpoint
   * (`LOOM_LLM_BASE_URL`) is capped at `LOOM_LLM_MAX_CONCURRENCY`, since its key and its bill
   * are the operator's.
   */
  caps?: Record<string, number>;
}

interface Waiter {
  limit: number;
  grant(): void;
}

interface Endpoint {
  inFlight: number;
  waiting: Waiter[];
}

/**
 * Creates a limiter. The key is the endpoint, i.e. the server: its normalised base URL (scheme,
 * host and port, path without trailing slash), so two models on one Ollama share its turns.
 * Turns are granted strictly first come first served: a waiter whose limit is lower than what is
 * in flight holds the ones behind it, so a config with a high limit cannot starve one with a low
 * limit on the same server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEndpointLimiter } from "./endpoint_limiter.ts";
 *
 * const limiter = createEndpointLimiter({ defaultLimit: 1 });
 * const first = await limiter.acquire("http://127.0.0.1:11434/v1", undefined);
 * let second = false;
 * const waiting = limiter.acquire("http://127.0.0.1:11434/v1/", undefined).then((end) => {
 *   second = true;
 *   return end;
 * });
 * await Promise.resolve();
 * assert.equal(second, false);
 * first();
 * (await waiting)();
 * assert.equal(second, true);
 * assert.equal(limiter.inFlight("http://127.0.0.1:11434/v1"), 0);
 * ```
 */
export function createEndpointLimiter(options: EndpointLimiterOptions): EndpointLimiter {
  const endpoints = new Map<string, Endpoint>();
  const caps = new Map(
    Object.entries(options.caps ?? {}).map(([url, cap]) => [endpointKey(url), cap]),
  );

  const endpoint = (key: string): Endpoint => {
    let found = endpoints.get(key);
    if (!found) endpoints.set(key, found = { inFlight: 0, waiting: [] });
    return found;
  };
  const grantNext = (key: string, at: Endpoint) => {
    while (at.waiting.length > 0 && at.inFlight < at.waiting[0].limit) {
      at.inFlight++;
      at.waiting.shift()!.grant();
    }
    if (at.inFlight === 0 && at.waiting.length === 0) endpoints.delete(key);
  };

  return {
    acquire(baseUrl, limit, signal) {
      const key = endpointKey(baseUrl);
      const cap = caps.get(key) ?? Infinity;
      const effective = Math.max(1, Math.min(limit ?? options.defaultLimit, cap));
      const at = endpoint(key);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        at.inFlight--;
        grantNext(key, at);
      };
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const i = at.waiting.indexOf(waiter);
          if (i >= 0) at.waiting.splice(i, 1);
          // Leaving may let the ones behind go (their limit may be higher than ours).
          grantNext(key, at);
          reject(signal!.reason);
        };
        const waiter: Waiter = {
          limit: effective,
          grant: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve(end);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        at.waiting.push(waiter);
        grantNext(key, at);
      });
    },
    inFlight: (baseUrl) => endpoints.get(endpointKey(baseUrl))?.inFlight ?? 0,
  };
}

/**
 * The endpoint a base URL names: lower-case origin with default ports dropped, path without
 * trailing slashes. A URL that does not parse is its own key (the call will fail anyway).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endpointKey } from "./endpoint_limiter.ts";
 *
 * assert.equal(endpointKey("HTTPS://API.openai.com:443/v1/"), "https://api.openai.com/v1");
 * ```
 */
export function endpointKey(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return baseUrl;
  }
}

/**
 * The limiter of one Loom process under its settings: `LOOM_LLM_MAX_CONCURRENCY` is the limit of
 * models setting none, and the most any config may set for the server's own `LOOM_LLM_BASE_URL`.
 * `loom serve`, `loom review` and `loom eval` all take their turns this way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processLimiter } from "./endpoint_limiter.ts";
 *
 * const limiter = processLimiter({ baseUrl: "http://127.0.0.1:11434/v1", maxConcurrency: 1 });
 * const first = await limiter.acquire("http://127.0.0.1:11434/v1", 8);
 * assert.equal(limiter.inFlight("http://127.0.0.1:11434/v1"), 1);
 * first();
 * ```
 */
export function processLimiter(llm: { baseUrl: string; maxConcurrency: number }): EndpointLimiter {
  return createEndpointLimiter({
    defaultLimit: llm.maxConcurrency,
    caps: { [llm.baseUrl]: llm.maxConcurrency },
  });
}
