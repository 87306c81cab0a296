/**
 * The Bitbucket Cloud REST 2.0 client the adapter calls through: credentials, redirects
 * followed by hand, `next` pagination, and the mapping of every failure to a
 * {@link PlatformError} the queue can act on.
 * @module
 */

import { z } from "zod";
import { parseJsonBody } from "../_shared/json_body.ts";
import { followPages, insideApiRoot } from "../_shared/paginate.ts";
import { platformError } from "../_shared/platform_error.ts";
import { parseRetryAfter } from "../../src/net/mod.ts";
import { sendJson } from "../_shared/send_json.ts";
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

/** One call. */
export interface BitbucketRequest {
  method?: string;
  /** Path below the API URL (`/repositories/ws/repo`), or an absolute URL inside it (`next`). */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to `application/json`. */
  accept?: string;
  /** Statuses returned to the caller rather than thrown (404 for a missing file, 400…). */
  expect?: number[];
  /** The message of the permanent error for a 404, when the caller knows what is missing. */
  notFound?: string;
}

/** The client; see {@link createBitbucketApi}. */
export interface BitbucketApi {
  /** A response with a 2xx status or one of `expect`; anything else throws PlatformError. */
  request(req: BitbucketRequest): Promise<Response>;
  /** The JSON body of a 2xx answer, checked against `schema`. */
  json<T>(req: BitbucketRequest, schema: z.ZodType<T>): Promise<T>;
  /** The JSON body of a response `request` returned, checked against `schema`. */
  read<T>(res: Response, schema: z.ZodType<T>, what: string): Promise<T>;
  /** Every item of a paged list (`{values, next}`), following `next` to the end. */
  list<T>(req: BitbucketRequest, item: z.ZodType<T>): Promise<T[]>;
}

// Bitbucket names no wait for its rolling one-hour window; a minute lets it refill a little
// without holding a review back for long.
const RATE_LIMIT_WAIT_MS = 60_000;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Creates the client. Every call carries `Accept` and `User-Agent: loom` and is sent with
 * `redirect: "manual"`: a redirect (the pull request's `/diff` answers 302) is followed by hand
 * with the credentials only while it stays below the API URL, because `fetch` may drop the
 * `Authorization` header on a cross-origin hop and must never hand it to another host. For the
 * same reason a `next` link outside the API URL is refused. Error messages name the method, the
 * path and Bitbucket's own message, and never a credential.
 *
 * @example
 * ```ts
 * const api = createBitbucketApi({ apiUrl, fetch, now: Date.now, authorization: `Bearer ${t}` });
 * const pr = await api.json({ path: "/repositories/ws/app/pullrequests/7" }, pullSchema);
 * ```
 */
export function createBitbucketApi(options: BitbucketApiOptions): BitbucketApi {
  const base = new URL(options.apiUrl.replace(/\/+$/, "") + "/");

  const inside = (url: URL) => insideApiRoot(url, base);
  const where = (url: URL) => "/" + url.pathname.slice(base.pathname.length);

  const urlOf = (req: BitbucketRequest): URL => {
    const url = /^https?:\/\//i.test(req.path)
      ? new URL(req.path)
      : new URL(req.path.replace(/^\/+/, ""), base);
    if (!inside(url)) {
      throw new PlatformError(
        `Bitbucket sent a link outside the API URL (${url.origin}${url.pathname}); not followed ` +
          `so that the credentials stay with Bitbucket`,
        { status: 0, retryable: false },
      );
    }
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    return url;
  };

  const send = (method: string, url: URL, req: BitbucketRequest, body: unknown) => {
    const headers: Record<string, string> = {
      "Accept": req.accept ?? "application/json",
      "User-Agent": "loom",
    };
    if (options.authorization) headers["Authorization"] = options.authorization;
    return sendJson(options.fetch, url, {
      method,
      headers,
      body,
      redirect: "manual",
      platform: "Bitbucket",
      what: `${method} ${where(url)}`,
    });
  };

  const request = async (req: BitbucketRequest): Promise<Response> => {
    let method = req.method ?? "GET";
    let body = req.body;
    let url = urlOf(req);
    const first = `${method} ${where(url)}`;
    let res = await send(method, url, req, body);
    for (let hops = 0; REDIRECTS.has(res.status); hops++) {
      const location = res.headers.get("location");
      await res.body?.cancel();
      if (!location || hops >= MAX_REDIRECTS) {
        throw new PlatformError(
          `Bitbucket ${first} answered ${res.status} ${
            location ? `after ${MAX_REDIRECTS} redirects` : "without a Location"
          }`,
          { status: res.status, retryable: false },
        );
      }
      const next = new URL(location, url);
      if (!inside(next)) {
        throw new PlatformError(
          `Bitbucket ${first} redirected outside the API URL (${next.origin}${next.pathname}); ` +
            `not followed so that the credentials stay with Bitbucket`,
          { status: res.status, retryable: false },
        );
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== "GET")) {
        method = "GET";
        body = undefined;
      }
      url = next;
      res = await send(method, url, req, body);
    }
    if (res.ok || req.expect?.includes(res.status)) return res;
    throw toPlatformError(res, await res.text(), first, req.notFound, options.now());
  };

  return {
    request,
    async json<T>(req: BitbucketRequest, schema: z.ZodType<T>): Promise<T> {
      const res = await request(req);
      return parseBody(await res.text(), schema, describe(req, urlOf(req), where), res.status);
    },
    async read<T>(res: Response, schema: z.ZodType<T>, what: string): Promise<T> {
      return parseBody(await res.text(), schema, what, res.status);
    },
    list: <T>(req: BitbucketRequest, item: z.ZodType<T>): Promise<T[]> =>
      followPages(req, urlOf, async (current, url) => {
        const res = await request(current);
        const page: { values: T[]; next?: string | null } = parseBody(
          await res.text(),
          pageOf(item),
          describe(current, url, where),
          res.status,
        );
        // `next` already carries every query parameter; it is followed verbatim.
        const next = page.next ? { ...req, path: page.next, query: undefined } : null;
        return { items: page.values, next };
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

function toPlatformError(
  res: Response,
  body: string,
  what: string,
  notFound: string | undefined,
  now: number,
): PlatformError {
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
  return platformError({
    platform: "Bitbucket",
    credential: "the credentials",
    what,
    status: res.status,
    message: bitbucketMessage(body),
    notFound,
    retryAfterMs: retryAfter,
    rateLimit: res.status === 429 ? { waitMs: retryAfter ?? RATE_LIMIT_WAIT_MS } : undefined,
  });
}

function describe(req: BitbucketRequest, url: URL, where: (url: URL) => string): string {
  return `${req.method ?? "GET"} ${where(url)}`;
}

function pageOf<T>(item: z.ZodType<T>) {
  return z.object({ values: z.array(item), next: z.string().nullish() });
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  return parseJsonBody("Bitbucket", text, schema, what, status);
}
