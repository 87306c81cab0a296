/**
 * The Gitea / Forgejo API v1 client the adapter calls through: the token, page-by-page lists
 * (`page`/`limit`, `Link` and `X-Total-Count`), and the mapping of every failure to a
 * {@link PlatformError} the queue can act on.
 * @module
 */

import type { z } from "zod";
import { errorBody } from "../_shared/error_body.ts";
import { parseJsonBody } from "../_shared/json_body.ts";
import { nextLink } from "../_shared/paginate.ts";
import { platformError } from "../_shared/platform_error.ts";
import { parseRetryAfter } from "../../src/net/mod.ts";
import { sendJson } from "../_shared/send_json.ts";
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

/** One call. */
export interface GiteaRequest {
  method?: string;
  /** Path below `/api/v1` (`/repos/o/r/pulls/1`), or below the instance URL when `root` is set. */
  path: string;
  /** `path` is below the instance URL itself (`/api/forgejo/v1/version`). */
  root?: boolean;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to `application/json`. */
  accept?: string;
  /** Statuses returned to the caller rather than thrown (404 for a missing file…). */
  expect?: number[];
  /** The message of the permanent error for a 404, when the caller knows what is missing. */
  notFound?: string;
}

/** The client; see {@link createGiteaApi}. */
export interface GiteaApi {
  /** A response with a 2xx status or one of `expect`; anything else throws PlatformError. */
  request(req: GiteaRequest): Promise<Response>;
  /** The JSON body of a 2xx answer, checked against `schema`. */
  json<T>(req: GiteaRequest, schema: z.ZodType<T>): Promise<T>;
  /** The JSON body of a response `request` returned for `req`, checked against `schema`. */
  read<T>(res: Response, req: GiteaRequest, schema: z.ZodType<T>): Promise<T>;
  /** Every item of a list, page by page, until the server says there is no more. */
  list<T>(req: GiteaRequest, item: z.ZodType<T>): Promise<T[]>;
}

// Gitea's default MAX_RESPONSE_ITEMS: asking for more is silently capped to it anyway.
const PAGE_SIZE = 50;
// A loop guard: 50,000 items is far beyond any pull request's comments.
const MAX_PAGES = 1_000;
// A proxy that rate-limits without saying for how long: wait a minute rather than hammer it.
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Creates the client. Every call carries `Authorization: token …`, `Accept` and
 * `User-Agent: loom`. Redirects are not followed, so the token never reaches another host; a
 * redirect is a permanent error naming where it pointed. Error messages name the method, the
 * path and Gitea's own message, and never the token: headers are not part of any message.
 *
 * @example
 * ```ts
 * const api = createGiteaApi({ url: "https://git.example.com", token, fetch, now: Date.now });
 * const pr = await api.json({ path: "/repos/octo/app/pulls/7" }, pullSchema);
 * ```
 */
export function createGiteaApi(options: GiteaApiOptions): GiteaApi {
  const root = new URL(instanceUrl(options.url) + "/");
  const apiBase = new URL("api/v1/", root);

  const urlOf = (req: GiteaRequest): URL => {
    const url = new URL(req.path.replace(/^\/+/, ""), req.root ? root : apiBase);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    return url;
  };
  const describe = (req: GiteaRequest): string =>
    `${req.method ?? "GET"} ${req.root ? "" : "/api/v1"}${req.path}`;

  const request = async (req: GiteaRequest): Promise<Response> => {
    const url = urlOf(req);
    const headers: Record<string, string> = {
      "Accept": req.accept ?? "application/json",
      "Authorization": `token ${options.token}`,
      "User-Agent": "loom",
    };
    const res = await sendJson(options.fetch, url, {
      method: req.method ?? "GET",
      headers,
      body: req.body,
      redirect: "manual",
      platform: "Gitea",
      what: describe(req),
    });
    if (res.ok || req.expect?.includes(res.status)) return res;
    throw toPlatformError(res, await res.text(), describe(req), req.notFound, options.now());
  };

  const read = async <T>(res: Response, req: GiteaRequest, schema: z.ZodType<T>): Promise<T> =>
    parseBody(await res.text(), schema, describe(req), res.status);

  return {
    request,
    read,
    json: async (req, schema) => read(await request(req), req, schema),
    async list<T>(req: GiteaRequest, item: z.ZodType<T>): Promise<T[]> {
      const out: T[] = [];
      const firsts = new Set<string>();
      for (let page = 1; page <= MAX_PAGES; page++) {
        const pageReq = { ...req, query: { ...req.query, limit: PAGE_SIZE, page } };
        const res = await request(pageReq);
        const items = await read(res, pageReq, item.array());
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
export function giteaMessage(body: string): string {
  const parsed = errorBody(body);
  if (typeof parsed === "string") return parsed;
  const { message, errors } = parsed;
  const details = Array.isArray(errors) ? errors.map(String).filter(Boolean) : [];
  const head = typeof message === "string" ? message : "";
  return [head, details.join("; ")].filter(Boolean).join(": ").slice(0, 1_000);
}

function toPlatformError(
  res: Response,
  body: string,
  what: string,
  notFound: string | undefined,
  now: number,
): PlatformError {
  const status = res.status;
  // Not followed (see createGiteaApi): a redirect means Loom has the instance's address wrong.
  if (status >= 300 && status < 400) {
    const location = res.headers.get("location") ?? "elsewhere";
    return new PlatformError(
      `Gitea ${what} was redirected (${status}) to ${location}; set LOOM_GITEA_URL to the ` +
        "address Gitea answers on",
      { status, retryable: false },
    );
  }
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
  return platformError({
    platform: "Gitea",
    credential: "the token",
    what,
    status,
    message: giteaMessage(body),
    notFound,
    retryAfterMs: retryAfter,
    rateLimit: status === 429 ? { waitMs: retryAfter ?? DEFAULT_RATE_LIMIT_WAIT_MS } : undefined,
  });
}

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

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  return parseJsonBody("Gitea", text, schema, what, status);
}
