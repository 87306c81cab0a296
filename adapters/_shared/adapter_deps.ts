/**
 * What every adapter takes from the server's platform deps, said once so that a new one (a
 * transport, a limit) reaches all five builders together.
 * @module
 */
import type { PlatformDeps } from "../../src/platform/mod.ts";

/**
 * The `fetch` and diff byte limit an adapter is built with, from the deps its builder is handed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adapterDeps } from "./adapter_deps.ts";
 *
 * const deps = { readFile: () => "", maxDiffBytes: 1024 };
 * assert.deepEqual(adapterDeps(deps), { fetch: undefined, maxDiffBytes: 1024 });
 * ```
 */
export function adapterDeps(
  deps: PlatformDeps,
): { fetch: PlatformDeps["fetch"]; maxDiffBytes: PlatformDeps["maxDiffBytes"] } {
  return { fetch: deps.fetch, maxDiffBytes: deps.maxDiffBytes };
}
