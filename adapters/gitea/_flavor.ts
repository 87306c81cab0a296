/**
 * Which fork an instance runs: Gitea and Forgejo share API v1, but Forgejo is diverging (its
 * review comments take `extra_lines_count`, so a comment can cover several lines).
 * @module
 */

import { z } from "zod";
import type { GiteaApi } from "./api.ts";

/** The instance's fork and version. */
export interface GiteaFlavor {
  kind: "gitea" | "forgejo";
  /** As the instance reports it: `1.22.6`, or Forgejo's `11.0.1+gitea-1.22.0`. */
  version: string;
}

const versionBody = z.object({ version: z.string() });

/**
 * Asks the instance what it is. Only Forgejo serves `/api/forgejo/v1/version` (since 1.18.5);
 * anything else is Gitea, whose `/api/v1/version` gives the version. A Forgejo version that
 * carries `+gitea-` in `/api/v1/version` is recognised too, should a proxy hide the first route.
 * API failures throw PlatformError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGiteaApi } from "./api.ts";
 * import { detectGiteaFlavor } from "./_flavor.ts";
 *
 * // A fake Forgejo: only it serves `/api/forgejo/v1/version`.
 * const forgejo: typeof fetch = async (input) => {
 *   const { pathname } = new URL(input instanceof Request ? input.url : input);
 *   if (pathname === "/api/forgejo/v1/version") return Response.json({ version: "11.0.1" });
 *   return Response.json({ version: "1.22.0" });
 * };
 * const api = createGiteaApi({
 *   url: "https://git.example.com",
 *   token: "t0ken",
 *   fetch: forgejo,
 *   now: Date.now,
 * });
 * assert.deepEqual(await detectGiteaFlavor(api), { kind: "forgejo", version: "11.0.1" });
 * ```
 */
export async function detectGiteaFlavor(api: GiteaApi): Promise<GiteaFlavor> {
  const forgejo = { path: "/api/forgejo/v1/version", root: true, expect: [404] };
  const res = await api.request(forgejo);
  if (res.status === 200) {
    const version = versionOf(await res.text());
    if (version !== null) return { kind: "forgejo", version };
  } else {
    await res.body?.cancel();
  }
  const { version } = await api.json({ path: "/version" }, versionBody);
  return { kind: /\+gitea-/.test(version) ? "forgejo" : "gitea", version };
}

// A catch-all page of a proxy may answer 200 with HTML: only a JSON version counts.
function versionOf(text: string): string | null {
  try {
    const parsed = versionBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.version : null;
  } catch {
    return null;
  }
}
