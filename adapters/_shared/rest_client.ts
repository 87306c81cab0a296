/**
 * The one REST client every platform's `api.ts` sets up: URLs below the API root, headers and
 * credentials, JSON in and out, the statuses a call expects, and every failure mapped to a
 * {@link PlatformError} the queue can act on. What differs between platforms (how they
 * authenticate, word their errors, signal rate limits, page their lists, answer oddly) is
 * described by a {@link RestDialect}.
 * @module
 */

import type { z } from "zod";
import type { DiffBudget } from "./bounded_body.ts";
import { parseJsonBody } from "./_json_body.ts";
import { followPages, insideApiRoot, nextLink, type Page } from "./paginate.ts";
import { platformError } from "./_platform_error.ts";
import { sendJson } from "./_send_json.ts";
import { parseRetryAfter } from "../../src/net/mod.ts";
import { PlatformError } from "../../src/platform/mod.ts";

/** One call. Platforms extend it with what their credentials depend on. */
export interface RestRequest {
  method?: string;
  /** Path below the API root (`/repos/o/r/pulls/1`), or an absolute URL inside it (a next link). */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to the dialect's `accept`. */
  accept?: string;
  /** Statuses returned to the caller rather than thrown (404 for a missing file, 422…). */
  expect?: number[];
  /** The message of the permanent error for a 404, when the caller knows what is missing. */
  notFound?: string;
}

/** A call as it went out, handed to {@link RestDialect.answered}. */
export interface SentCall<R extends RestRequest> {
  req: R;
  url: URL;
  method: string;
  /** The headers sent, credentials included: to compare, never to put in a message. */
  headers: Record<string, string>;
  /** The call as messages name it: method and path below the API root. */
  what: string;
  /** Sends the call again, with fresh headers, to `url` with `method` and `body` when given. */
  resend(change?: { url?: URL; method?: string; body?: unknown }): Promise<Response>;
}

/** What makes one platform's REST API its own; see {@link createRestClient}. */
export interface RestDialect<R extends RestRequest> {
  /** The platform as messages name it: `GitHub`, `Azure DevOps`. */
  platform: string;
  /** What a 401 says the platform refused: `the token` or `the credentials`. */
  credential: string;
  /** The API root. Every call goes below it, and only a URL below it is sent the credentials. */
  base: URL;
  fetch: typeof fetch;
  now: () => number;
  /** `Accept` for a request that names none. */
  accept: string;
  /** The `Authorization` header of a call; null sends none. Asked again for every send. */
  authorization(req: R): string | null | Promise<string | null>;
  /** The platform's own headers, sent on every call. */
  headers?: Record<string, string>;
  /** The path below `base` that `req` names; `req.path` when not given. */
  pathOf?(req: R): string;
  /** Query parameters every call carries, set after the request's own (`api-version`). */
  query?: Record<string, string>;
  /** `manual` where a redirect must not carry the credentials on; see `answered`. */
  redirect?: RequestRedirect;
  /** The platform's own explanation of a failure, from its error body; empty when none. */
  message(body: string): string;
  /** How long an answer asks to wait; `Retry-After` (seconds or a date) when not given. */
  retryAfter?(res: Response, now: number): number | undefined;
  /**
   * Whether a failed answer is a rate limit, and how long it asks to wait (an undefined wait
   * leaves it to the queue's backoff); null when it is none. 429 after `retryAfter` when not
   * given.
   */
  rateLimit?(
    res: Response,
    seen: { message: string; retryAfterMs: number | undefined; now: number },
  ): { waitMs: number | undefined } | null;
  /**
   * Looks at every answer before its status is judged: may send the call again (a redirect
   * followed by hand, a refused token replaced) or throw for an answer the platform means
   * otherwise than its status says (a sign-in page, a redirect not followed).
   */
  answered?(res: Response, call: SentCall<R>): Promise<Response>;
  /** Throws for a body that is no answer at all (an HTML sign-in page) before it is parsed. */
  checkBody?(res: Response, what: string): void;
  /** The request for the page after `res` in a list that began with `first`; by `Link` if not given. */
  nextPage?(res: Response, first: R, url: URL): R | null;
}

/** The client; see {@link createRestClient}. */
export interface RestClient<R extends RestRequest> {
  /** The call as messages name it: `GET /repos/o/r/pulls/1`, never a header or a credential. */
  describe(req: R): string;
  /** A response with a 2xx status or one of `expect`; anything else throws PlatformError. */
  request(req: R): Promise<Response>;
  /** The status of a call whose answer has nothing to read (2xx or one of `expect`). */
  send(req: R): Promise<number>;
  /** The JSON body of a 2xx answer, checked against `schema`. */
  json<T>(req: R, schema: z.ZodType<T>): Promise<T>;
  /**
   * The JSON body of a response `request` returned for `req`, checked against `schema`; read
   * within `budget` when given (a page of a diff), so that a body past it is never read whole.
   */
  read<T>(res: Response, req: R, schema: z.ZodType<T>, budget?: DiffBudget): Promise<T>;
  /**
   * Every item of a list whose pages are JSON arrays, following `nextPage` to the end; every page
   * counted against `budget` when given (the pages of a diff).
   */
  list<T>(req: R, item: z.ZodType<T>, budget?: DiffBudget): Promise<T[]>;
  /**
   * The text of a 2xx answer read within `budget` (a diff): the stream is cancelled once past it
   * and `DiffTooLargeError` thrown, so a diff of any size costs at most the budget.
   */
  text(req: R, budget: DiffBudget): Promise<string>;
  /** Every item of a list, page by page from `first`, each page read by `page`. */
  pages<T>(first: R, page: (res: Response, req: R, url: URL) => Promise<Page<R, T>>): Promise<T[]>;
}

/**
 * Creates the client for `dialect`. Every call carries `Accept` and `User-Agent: loom`, and
 * its credentials only while its URL lies below the API root: a next link elsewhere is refused.
 * A network failure, a 5xx or a rate limit is retryable (after the platform's wait), a 401 is
 * "rejected the credentials", a 404 takes the request's `notFound`, and messages name the
 * method, the path and the platform's own explanation, never a header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { createRestClient, type RestRequest } from "./rest_client.ts";
 *
 * // A fake Gitea: the comment posted, then a 401 for any call.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   const req = new Request(input, init);
 *   seen.push(req);
 *   if (req.method === "POST") return Response.json({ id: 11 }, { status: 201 });
 *   return Response.json({ message: "token is required" }, { status: 401 });
 * };
 * const api = createRestClient<RestRequest>({
 *   platform: "Gitea",
 *   credential: "the token",
 *   base: new URL("https://git.example.com/api/v1/"),
 *   fetch: fakeFetch,
 *   now: Date.now,
 *   accept: "application/json",
 *   authorization: () => "token 0123abcd",
 *   message: (body) => JSON.parse(body).message,
 * });
 * const path = "/repos/octo/app/issues/7/comments";
 * assert.equal(api.describe({ method: "POST", path }), "POST /repos/octo/app/issues/7/comments");
 *
 * const posted = { method: "POST", path, body: { body: "hi" } };
 * const comment = await api.json(posted, z.object({ id: z.number() }));
 * assert.deepEqual(comment, { id: 11 });
 * assert.equal(seen[0].url, "https://git.example.com/api/v1/repos/octo/app/issues/7/comments");
 * assert.equal(seen[0].headers.get("authorization"), "token 0123abcd");
 * assert.equal(seen[0].headers.get("user-agent"), "loom");
 *
 * await assert.rejects(api.send({ path: "/user" }), {
 *   name: "PlatformError",
 *   message: "Gitea rejected the token (401: token is required) on GET /user",
 * });
 * ```
 */
export function createRestClient<R extends RestRequest>(dialect: RestDialect<R>): RestClient<R> {
  const { base, platform } = dialect;

  const urlOf = (req: R): URL => {
    const path = dialect.pathOf?.(req) ?? req.path;
    const url = /^https?:\/\//i.test(path)
      ? new URL(path)
      : new URL(base.href + path.replace(/^\/+/, ""));
    if (!insideApiRoot(url, base)) {
      throw new PlatformError(
        `${platform} sent a link outside the API URL (${url.origin}${url.pathname}); not ` +
          `followed so that the credentials stay with ${platform}`,
        { status: 0, retryable: false },
      );
    }
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    for (const [k, v] of Object.entries(dialect.query ?? {})) url.searchParams.set(k, v);
    return url;
  };
  const callName = (method: string, url: URL) =>
    `${method} /${url.pathname.slice(base.pathname.length)}`;
  const describe = (req: R) => callName(req.method ?? "GET", urlOf(req));

  const send = async (req: R, url: URL, method: string, body: unknown) => {
    const headers: Record<string, string> = {
      "Accept": req.accept ?? dialect.accept,
      ...dialect.headers,
      "User-Agent": "loom",
    };
    const authorization = await dialect.authorization(req);
    if (authorization) headers["Authorization"] = authorization;
    const what = callName(method, url);
    const res = await sendJson(dialect.fetch, url, {
      method,
      headers,
      body,
      redirect: dialect.redirect,
      platform,
      what,
    });
    return { res, sent: { req, url, method, headers, what } };
  };

  const request = async (req: R): Promise<Response> => {
    const url = urlOf(req);
    const method = req.method ?? "GET";
    const first = await send(req, url, method, req.body);
    const what = first.sent.what;
    const res = dialect.answered
      ? await dialect.answered(first.res, {
        ...first.sent,
        resend: async (change = {}) =>
          (await send(
            req,
            change.url ?? url,
            change.method ?? method,
            "body" in change ? change.body : req.body,
          )).res,
      })
      : first.res;
    if (res.ok || req.expect?.includes(res.status)) return res;
    throw failure(res, await res.text(), what, req.notFound);
  };

  const failure = (res: Response, body: string, what: string, notFound?: string) => {
    const now = dialect.now();
    const message = dialect.message(body);
    const retryAfterMs = dialect.retryAfter
      ? dialect.retryAfter(res, now)
      : parseRetryAfter(res.headers.get("retry-after"), now);
    const rateLimit = dialect.rateLimit
      ? dialect.rateLimit(res, { message, retryAfterMs, now })
      : res.status === 429
      ? { waitMs: retryAfterMs }
      : null;
    return platformError({
      platform,
      credential: dialect.credential,
      what,
      status: res.status,
      message,
      notFound,
      retryAfterMs,
      rateLimit: rateLimit ?? undefined,
    });
  };

  const read = async <T>(
    res: Response,
    req: R,
    schema: z.ZodType<T>,
    budget?: DiffBudget,
  ): Promise<T> => {
    const what = describe(req);
    const text = budget ? await budget.text(res) : await res.text();
    dialect.checkBody?.(res, what);
    return parseJsonBody(platform, text, schema, what, res.status);
  };

  const pages = <T>(first: R, page: (res: Response, req: R, url: URL) => Promise<Page<R, T>>) =>
    followPages(first, urlOf, async (req, url) => await page(await request(req), req, url));

  const nextPage = dialect.nextPage ?? linkNext;

  return {
    describe,
    request,
    read,
    async send(req) {
      const res = await request(req);
      // Discarded so that the connection is freed.
      await res.body?.cancel();
      return res.status;
    },
    json: async (req, schema) => await read(await request(req), req, schema),
    text: async (req, budget) => await budget.text(await request(req)),
    list: (req, item, budget) =>
      pages(req, async (res, page, url) => ({
        items: await read(res, page, item.array(), budget),
        next: nextPage(res, req, url),
      })),
    pages,
  };
}

/**
 * The request for the `rel="next"` entry of `res`'s `Link` header, or null: `first` with the
 * link as its path, and no query of its own, since the link carries it.
 */
export function linkNext<R extends RestRequest>(res: Response, first: R): R | null {
  const link = nextLink(res.headers.get("link"));
  return link ? { ...first, path: link, query: undefined } : null;
}
