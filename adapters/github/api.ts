/**
 * The GitHub REST client the adapter calls through: headers, credentials, `Link` pagination and
 * the mapping of every failure to a {@link PlatformError} the queue can act on.
 * @module
 */

import type { z } from "zod";
import { errorBody } from "../_shared/error_body.ts";
import { parseJsonBody } from "../_shared/json_body.ts";
import { followPages, insideApiRoot, nextLink } from "../_shared/paginate.ts";
import { platformError } from "../_shared/platform_error.ts";
import { parseRetryAfter, untilReset } from "../../src/net/mod.ts";
import { sendJson } from "../_shared/send_json.ts";
import { PlatformError, type RepoRef } from "../../src/platform/mod.ts";

/** Where calls go and how they authenticate; see {@link createGithubApi}. */
export interface GithubApiOptions {
  /** `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  apiUrl: string;
  fetch: typeof fetch;
  now: () => number;
  /** The `Authorization` header for a call about `repo`; null sends none. */
  authorization(repo: RepoRef | undefined): Promise<string | null>;
  /**
   * Told that GitHub answered 401 to `authorization`; returns true when it dropped a cached
   * credential (an installation token revoked early), so that one retry can succeed.
   */
  rejected?(authorization: string): boolean;
}

/** One call. */
export interface GithubRequest {
  method?: string;
  /** Path below the API URL (`/repos/o/r/pulls/1`), or an absolute URL from a `Link` header. */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to `application/vnd.github+json`. */
  accept?: string;
  /** The repository the call is about, for its credentials. */
  repo?: RepoRef;
  /** Sent instead of the repository's credentials (the App's JWT). */
  authorization?: string;
  /** Statuses returned to the caller rather than thrown (404 for a missing file, 422…). */
  expect?: number[];
  /** The message of the permanent error for a 404, when the caller knows what is missing. */
  notFound?: string;
}

/** The client; see {@link createGithubApi}. */
export interface GithubApi {
  /** A response with a 2xx status or one of `expect`; anything else throws PlatformError. */
  request(req: GithubRequest): Promise<Response>;
  /** The JSON body of a 2xx answer, checked against `schema`. */
  json<T>(req: GithubRequest, schema: z.ZodType<T>): Promise<T>;
  /** The JSON body of a response `request` returned, checked against `schema`. */
  read<T>(res: Response, schema: z.ZodType<T>): Promise<T>;
  /** Every item of a paginated list, following `Link: <…>; rel="next"` to the end. */
  list<T>(req: GithubRequest, item: z.ZodType<T>): Promise<T[]>;
}

// GitHub asks clients that hit a secondary limit without a `retry-after` to wait at least a minute.
const SECONDARY_LIMIT_WAIT_MS = 60_000;

/**
 * Creates the client. Every call carries `Accept`, `X-GitHub-Api-Version: 2022-11-28` and
 * `User-Agent: loom`. Error messages name the method, the path and GitHub's own message, and
 * never a credential: headers are not part of any message.
 *
 * @example
 * ```ts
 * const api = createGithubApi({
 *   apiUrl, fetch, now: Date.now, authorization: () => Promise.resolve(`Bearer ${token}`),
 * });
 * const pr = await api.json({ path: "/repos/octo/app/pulls/7", repo }, pullSchema);
 * ```
 */
export function createGithubApi(options: GithubApiOptions): GithubApi {
  const base = new URL(options.apiUrl.replace(/\/+$/, "") + "/");

  const urlOf = (req: GithubRequest): URL => {
    const url = /^https?:\/\//.test(req.path)
      ? new URL(req.path)
      : new URL(req.path.replace(/^\/+/, ""), base);
    // A `Link` header pointing elsewhere must not receive our credentials.
    if (!insideApiRoot(url, base)) {
      throw new PlatformError(
        `GitHub sent a link outside the API URL: ${url.origin}${url.pathname}`,
        {
          status: 0,
          retryable: false,
        },
      );
    }
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    return url;
  };

  const send = (req: GithubRequest, url: URL, authorization: string | null) => {
    const headers: Record<string, string> = {
      "Accept": req.accept ?? "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "loom",
    };
    if (authorization) headers["Authorization"] = authorization;
    return sendJson(options.fetch, url, {
      method: req.method ?? "GET",
      headers,
      body: req.body,
      platform: "GitHub",
      what: describe(req, url, base),
    });
  };

  const request = async (req: GithubRequest): Promise<Response> => {
    const url = urlOf(req);
    const authorization = req.authorization ?? await options.authorization(req.repo);
    let res = await send(req, url, authorization);
    if (
      res.status === 401 && req.authorization === undefined && authorization &&
      options.rejected?.(authorization)
    ) {
      await res.body?.cancel();
      res = await send(req, url, await options.authorization(req.repo));
    }
    if (res.ok || req.expect?.includes(res.status)) return res;
    throw toPlatformError(
      res,
      await res.text(),
      describe(req, url, base),
      req.notFound,
      options.now(),
    );
  };

  const json = async <T>(req: GithubRequest, schema: z.ZodType<T>): Promise<T> => {
    const res = await request(req);
    return parseBody(await res.text(), schema, describe(req, urlOf(req), base), res.status);
  };

  const list = <T>(req: GithubRequest, item: z.ZodType<T>): Promise<T[]> =>
    followPages(req, urlOf, async (page, url) => {
      const res = await request(page);
      const items = parseBody(
        await res.text(),
        item.array(),
        describe(page, url, base),
        res.status,
      );
      const link = nextLink(res.headers.get("link"));
      // The next URL already carries the query; keep only what is not in the URL.
      return { items, next: link ? { ...req, path: link, query: undefined } : null };
    });

  return {
    request,
    json,
    async read<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
      const what = res.url ? "/" + new URL(res.url).pathname.slice(base.pathname.length) : "";
      return parseBody(await res.text(), schema, what, res.status);
    },
    list,
  };
}

/**
 * GitHub's explanation of a failure: `message` followed by the `errors` entries (strings, or
 * objects with a `message` or a `resource`/`field`/`code`), e.g.
 * `Validation Failed: pull_request_review_thread.line must be part of the diff`.
 */
export function githubMessage(body: string): string {
  const parsed = errorBody(body);
  if (typeof parsed === "string") return parsed;
  const { message, errors } = parsed;
  const details = Array.isArray(errors)
    ? errors.map((e) => {
      if (typeof e === "string") return e;
      if (typeof e === "object" && e !== null) {
        const { message, resource, field, code } = e as Record<string, unknown>;
        if (typeof message === "string") return message;
        return [resource, field].filter(Boolean).join(".") + (code ? ` ${code}` : "");
      }
      return String(e);
    }).filter(Boolean)
    : [];
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
  const message = githubMessage(body);
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
  const exhausted = res.headers.get("x-ratelimit-remaining") === "0";
  const secondary = /secondary rate limit/i.test(message);
  const limited = status === 429 ||
    (status === 403 && (exhausted || secondary || retryAfter !== undefined));
  // A second past the primary limit's reset, which the header gives in whole seconds.
  const untilPrimaryReset = exhausted
    ? untilReset(res.headers.get("x-ratelimit-reset"), now, 1000)
    : undefined;
  return platformError({
    platform: "GitHub",
    credential: "the credentials",
    what,
    status,
    message,
    notFound,
    retryAfterMs: retryAfter,
    rateLimit: limited
      ? { waitMs: retryAfter ?? untilPrimaryReset ?? SECONDARY_LIMIT_WAIT_MS }
      : undefined,
  });
}

function describe(req: GithubRequest, url: URL, base: URL): string {
  const path = "/" + url.pathname.slice(base.pathname.length);
  return `${req.method ?? "GET"} ${path}`;
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  return parseJsonBody("GitHub", text, schema, what, status);
}
