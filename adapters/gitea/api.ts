/**
 * The Gitea / Forgejo API v1 client the adapter calls through: the shared REST client set up
 * with the token, redirects refused, and page-by-page lists (`page`/`limit`, `Link` and
 * `X-Total-Count`).
 * @module
 */

import type { z } from "zod";
import {
  createRestClient,
  messageWithDetails,
  nextLink,
  type RestClient,
  type RestRequest,
} from "../_shared/mod.ts";
import { PlatformError } from "../../src/platform/mod.ts";

/** Where calls go and how they authenticate; see {@link createGiteaApi}. */
export interface GiteaApiOptions {
  /** The instance URL, `https://git.example.com` or `https://host/gitea` (sub-path installs). */
  url: string;
  /** An access token, sent as `Authorization: token …`. */
  token: string;
  fetch: typeof fetch;
  now: () => number;
}

/** One call: `path` is below `/api/v1` (`/repos/o/r/pulls/1`) unless `root` is set. */
export interface GiteaRequest extends RestRequest {
  /** `path` is below the instance URL itself (`/api/forgejo/v1/version`). */
  root?: boolean;
}

/**
 * The client; see {@link createGiteaApi}. `list` reads every item of a list, page by page,
 * until the server says there is no more.
 */
export type GiteaApi = RestClient<GiteaRequest>;

// Gitea's default MAX_RESPONSE_ITEMS: asking for more is silently capped to it anyway.
const PAGE_SIZE = 50;
// A loop guard: 50,000 items is far beyond any pull request's comments.
const MAX_PAGES = 1_000;
// A proxy that rate-limits without saying for how long: wait a minute rather than hammer it.
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Creates the client. Redirects are not followed, so the token never reaches another host; a
 * redirect is a permanent error naming where it pointed. 429 waits for `Retry-After`, else a
 * minute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { createGiteaApi } from "./api.ts";
 *
 * // A fake Gitea: the pull request, then a redirect elsewhere.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   if (seen.length === 1) return Response.json({ number: 7, title: "Fix" });
 *   const location = "https://elsewhere.example/";
 *   return new Response(null, { status: 302, headers: { location } });
 * };
 * const api = createGiteaApi({
 *   url: "https://git.example.com",
 *   token: "t0ken",
 *   fetch: fakeFetch,
 *   now: Date.now,
 * });
 * const pullSchema = z.object({ number: z.number(), title: z.string() });
 * const pr = await api.json({ path: "/repos/octo/app/pulls/7" }, pullSchema);
 * assert.deepEqual(pr, { number: 7, title: "Fix" });
 * assert.equal(seen[0].url, "https://git.example.com/api/v1/repos/octo/app/pulls/7");
 * assert.equal(seen[0].headers.get("authorization"), "token t0ken");
 *
 * await assert.rejects(api.json({ path: "/repos/octo/app/pulls/7" }, pullSchema), {
 *   name: "PlatformError",
 *   retryable: false,
 * });
 * ```
 */
export function createGiteaApi(options: GiteaApiOptions): GiteaApi {
  const client = createRestClient<GiteaRequest>({
    platform: "Gitea",
    credential: "the token",
    base: new URL(instanceUrl(options.url) + "/"),
    fetch: options.fetch,
    now: options.now,
    accept: "application/json",
    authorization: () => `token ${options.token}`,
    pathOf: (req) => req.root ? req.path : `/api/v1${req.path}`,
    redirect: "manual",
    message: giteaMessage,
    // Not followed: a redirect means Loom has the instance's address wrong.
    async answered(res, call) {
      if (res.status < 300 || res.status >= 400) return res;
      await res.body?.cancel();
      const location = res.headers.get("location") ?? "elsewhere";
      throw new PlatformError(
        `Gitea ${call.what} was redirected (${res.status}) to ${location}; set LOOM_GITEA_URL ` +
          "to the address Gitea answers on",
        { status: res.status, retryable: false },
      );
    },
    rateLimit: (res, { retryAfterMs }) =>
      res.status === 429 ? { waitMs: retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS } : null,
  });

  return {
    ...client,
    async list<T>(req: GiteaRequest, item: z.ZodType<T>): Promise<T[]> {
      const out: T[] = [];
      const firsts = new Set<string>();
      for (let page = 1; page <= MAX_PAGES; page++) {
        const pageReq = { ...req, query: { ...req.query, limit: PAGE_SIZE, page } };
        const res = await client.request(pageReq);
        const items = await client.read(res, pageReq, item.array());
        // A server that ignores `page` would send page 1 forever.
        const first = JSON.stringify(items[0]);
        if (items.length === 0 || firsts.has(first)) break;
        firsts.add(first);
        out.push(...items);
        // The `Link` header is built from Gitea's ROOT_URL, which may not be the URL Loom uses:
        // only its page number is taken, so the token never goes to another address.
        const next = nextPage(res.headers.get("link"));
        if (next !== null) {
          if (next <= page) break;
          page = next - 1;
          continue;
        }
        const total = Number(res.headers.get("x-total-count") ?? NaN);
        if (!(Number.isFinite(total) && out.length < total)) break;
      }
      return out;
    },
  };
}

/** The instance URL without a trailing slash, and without `/api/v1` when it was pasted with it. */
export function instanceUrl(url: string): string {
  return url.trim().replace(/\/+$/, "").replace(/\/api\/v1$/, "");
}

/**
 * Gitea's explanation of a failure: `message`, then the `errors` entries, e.g.
 * `token does not have at least one of required scope(s): [write:issue]`.
 */
export const giteaMessage: (body: string) => string = messageWithDetails;

/** The `page` of the `rel="next"` link, or null. */
function nextPage(header: string | null): number | null {
  const link = nextLink(header);
  if (link === null) return null;
  try {
    const page = Number(new URL(link, "http://x/").searchParams.get("page"));
    return Number.isInteger(page) && page > 0 ? page : null;
  } catch {
    return null;
  }
}
