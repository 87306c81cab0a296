/**
 * The Bitbucket Cloud REST 2.0 client the adapter calls through: the shared REST client set up
 * with the credentials, redirects followed by hand, `next` pagination and Bitbucket's error
 * envelope.
 * @module
 */

import { z } from "zod";
import {
  createRestClient,
  insideApiRoot,
  type RestClient,
  type RestRequest,
} from "../_shared/mod.ts";
import { PlatformError } from "../../src/platform/mod.ts";

/** Where calls go and how they authenticate; see {@link createBitbucketApi}. */
export interface BitbucketApiOptions {
  /** `https://api.bitbucket.org/2.0`. */
  apiUrl: string;
  fetch: typeof fetch;
  now: () => number;
  /** The `Authorization` header of every call; null sends none. */
  authorization: string | null;
}

/** One call: `path` below the API URL (`/repositories/ws/repo`), or a `next` link inside it. */
export type BitbucketRequest = RestRequest;

/** The client; see {@link createBitbucketApi}. `list` reads paged lists (`{values, next}`). */
export type BitbucketApi = RestClient<BitbucketRequest>;

// Bitbucket names no wait for its rolling one-hour window; a minute lets it refill a little
// without holding a review back for long.
const RATE_LIMIT_WAIT_MS = 60_000;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Creates the client. Calls are sent with `redirect: "manual"`: a redirect (the pull request's
 * `/diff` answers 302) is followed by hand with the credentials only while it stays below the
 * API URL, because `fetch` may drop the `Authorization` header on a cross-origin hop and must
 * never hand it to another host. 429 waits for `Retry-After`, else a minute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { createBitbucketApi } from "./api.ts";
 *
 * // A fake Bitbucket: the pull request, and its `/diff` redirected to another host.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   const req = new Request(input, init);
 *   seen.push(req);
 *   if (req.url.endsWith("/pullrequests/7")) return Response.json({ id: 7, title: "Fix" });
 *   return new Response(null, { status: 302, headers: { location: "https://cdn.example/diff" } });
 * };
 * const api = createBitbucketApi({
 *   apiUrl: "https://api.bitbucket.org/2.0",
 *   fetch: fakeFetch,
 *   now: Date.now,
 *   authorization: "Bearer t0ken",
 * });
 * const pullSchema = z.object({ id: z.number(), title: z.string() });
 * const pr = await api.json({ path: "/repositories/ws/app/pullrequests/7" }, pullSchema);
 * assert.deepEqual(pr, { id: 7, title: "Fix" });
 * assert.equal(seen[0].headers.get("authorization"), "Bearer t0ken");
 *
 * // The redirect leaves the API, so it is not followed with the token.
 * await assert.rejects(api.request({ path: "/repositories/ws/app/pullrequests/7/diff" }), {
 *   name: "PlatformError",
 *   message: /redirected outside the API URL \(https:\/\/cdn\.example\/diff\)/,
 * });
 * assert.equal(seen.length, 2);
 * ```
 */
export function createBitbucketApi(options: BitbucketApiOptions): BitbucketApi {
  const base = new URL(options.apiUrl.replace(/\/+$/, "") + "/");
  const client = createRestClient<BitbucketRequest>({
    platform: "Bitbucket",
    credential: "the credentials",
    base,
    fetch: options.fetch,
    now: options.now,
    accept: "application/json",
    authorization: () => options.authorization,
    redirect: "manual",
    message: bitbucketMessage,
    async answered(res, call) {
      let { method, url } = call;
      let body = call.req.body;
      for (let hops = 0; REDIRECTS.has(res.status); hops++) {
        const location = res.headers.get("location");
        await res.body?.cancel();
        if (!location || hops >= MAX_REDIRECTS) {
          throw new PlatformError(
            `Bitbucket ${call.what} answered ${res.status} ${
              location ? `after ${MAX_REDIRECTS} redirects` : "without a Location"
            }`,
            { status: res.status, retryable: false },
          );
        }
        const next = new URL(location, url);
        if (!insideApiRoot(next, base)) {
          throw new PlatformError(
            `Bitbucket ${call.what} redirected outside the API URL (${next.origin}${next.pathname}); ` +
              `not followed so that the credentials stay with Bitbucket`,
            { status: res.status, retryable: false },
          );
        }
        if (
          res.status === 303 || ((res.status === 301 || res.status === 302) && method !== "GET")
        ) {
          method = "GET";
          body = undefined;
        }
        url = next;
        res = await call.resend({ url, method, body });
      }
      return res;
    },
    rateLimit: (res, { retryAfterMs }) =>
      res.status === 429 ? { waitMs: retryAfterMs ?? RATE_LIMIT_WAIT_MS } : null,
  });
  return {
    ...client,
    list: (req, item, budget) =>
      client.pages(req, async (res, page) => {
        const body = await client.read(res, page, pageOf(item), budget);
        // `next` already carries every query parameter; it is followed verbatim.
        return {
          items: body.values,
          next: body.next ? { ...req, path: body.next, query: undefined } : null,
        };
      }),
  };
}

/**
 * Bitbucket's explanation of a failure, from its error envelope
 * `{"type": "error", "error": {"message", "detail", "fields"}}`, e.g.
 * `Bad request: inline.start_to: "start_to" must be less than or equal to "to"`. Any other body
 * is shortened to its first 300 characters.
 */
export function bitbucketMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 300);
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error !== "object" || error === null) return body.trim().slice(0, 300);
  const { message, detail, fields } = error as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof message === "string" && message) parts.push(message);
  if (typeof fields === "object" && fields !== null) {
    for (const [field, problems] of Object.entries(fields)) {
      const text = Array.isArray(problems) ? problems.join(" ") : String(problems);
      parts.push(`${field}: ${text}`);
    }
  }
  if (typeof detail === "string" && detail) parts.push(detail);
  else if (typeof detail === "object" && detail !== null) {
    const required = (detail as { required?: unknown }).required;
    if (Array.isArray(required) && required.length > 0) {
      parts.push(`required scopes: ${required.join(", ")}`);
    }
  }
  return parts.join(": ").slice(0, 1_000);
}

function pageOf<T>(item: z.ZodType<T>) {
  return z.object({ values: z.array(item), next: z.string().nullish() });
}
