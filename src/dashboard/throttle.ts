/**
 * Sign-in throttling: after a few wrong tokens from one client address, that address waits
 * before it may try again, so guessing the token through the sign-in form is hopeless even for
 * a short token. Counting per address (not globally) keeps one guesser from locking the
 * operator out.
 * @module
 */

/** Limits of {@link createSignInThrottle}. */
export interface ThrottleOptions {
  /** Wrong tokens allowed per address within `windowMs`; default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Addresses remembered at once; beyond it the oldest are forgotten. Default 10,000. */
  maxAddresses?: number;
}

/** Remembers failed sign-ins per client address. */
export interface SignInThrottle {
  /** Milliseconds `address` must still wait, 0 when it may try now. */
  waitMs(address: string, now: number): number;
  /** Counts a wrong token from `address`. */
  failed(address: string, now: number): void;
  /** Forgets `address`'s failures after a right token. */
  succeeded(address: string): void;
}

/**
 * A throttle kept in memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSignInThrottle } from "./throttle.ts";
 *
 * const throttle = createSignInThrottle({ maxFailures: 2, windowMs: 1_000 });
 * throttle.failed("10.0.0.1", 0);
 * assert.equal(throttle.waitMs("10.0.0.1", 10), 0);
 * throttle.failed("10.0.0.1", 10);
 * assert.equal(throttle.waitMs("10.0.0.1", 10), 990);
 * assert.equal(throttle.waitMs("10.0.0.2", 10), 0);
 * assert.equal(throttle.waitMs("10.0.0.1", 1_000), 0);
 * ```
 */
export function createSignInThrottle(options: ThrottleOptions = {}): SignInThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  // address -> failure times within the window, oldest first
  const failures = new Map<string, number[]>();

  const recent = (address: string, now: number) => {
    const times = (failures.get(address) ?? []).filter((t) => t > now - windowMs);
    if (times.length) failures.set(address, times);
    else failures.delete(address);
    return times;
  };

  return {
    waitMs(address, now) {
      const times = recent(address, now);
      if (times.length < maxFailures) return 0;
      return times[times.length - maxFailures] + windowMs - now;
    },
    failed(address, now) {
      const times = recent(address, now);
      if (!failures.has(address) && failures.size >= maxAddresses) {
        failures.delete(failures.keys().next().value!);
      }
      failures.set(address, [...times, now].slice(-maxFailures));
    },
    succeeded(address) {
      failures.delete(address);
    },
  };
}
