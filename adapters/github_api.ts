/**
 * The GitHub REST client the adapter calls through: headers, credentials, `Link` pagination and
 * the mapping of every failure to a {@link PlatformError} the queue can act on.
 * @module
 */

import type { z } from "zod";
import { PlatformError, type RepoRef } from "./types.ts";

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

// A loop guard, far above GitHub's own caps (3,000 files, 30 per page).
const MAX_PAGES = 1_000;
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
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
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

  const send = async (req: GithubRequest, url: URL, authorization: string | null) => {
    const headers: Record<string, string> = {
      "Accept": req.accept ?? "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "loom",
    };
    if (authorization) headers["Authorization"] = authorization;
    if (req.body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await options.fetch(url, {
        method: req.method ?? "GET",
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PlatformError(
        `GitHub ${describe(req, url, base)} could not be reached: ${reason}`,
        {
          status: 0,
          retryable: true,
        },
      );
    }
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

  return {
    request,
    json,
    async read<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
      const what = res.url ? "/" + new URL(res.url).pathname.slice(base.pathname.length) : "";
      return parseBody(await res.text(), schema, what, res.status);
    },
    async list<T>(req: GithubRequest, item: z.ZodType<T>): Promise<T[]> {
      const out: T[] = [];
      const seen = new Set<string>();
      let next: GithubRequest | null = req;
      while (next && seen.size < MAX_PAGES) {
        const url = urlOf(next).href;
        if (seen.has(url)) break;
        seen.add(url);
        const res = await request(next);
        const what = describe(next, urlOf(next), base);
        const page = parseBody(await res.text(), item.array(), what, res.status);
        out.push(...page);
        const link = nextLink(res.headers.get("link"));
        // The next URL already carries the query; keep only what is not in the URL.
        next = link ? { ...req, path: link, query: undefined } : null;
      }
      return out;
    },
  };
}

/**
 * GitHub's explanation of a failure: `message` followed by the `errors` entries (strings, or
 * objects with a `message` or a `resource`/`field`/`code`), e.g.
 * `Validation Failed: pull_request_review_thread.line must be part of the diff`.
 */
export function githubMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 300);
  }
  if (typeof parsed !== "object" || parsed === null) return String(parsed).slice(0, 300);
  const { message, errors } = parsed as { message?: unknown; errors?: unknown };
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
  const said = message ? `: ${message}` : "";
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
  const exhausted = res.headers.get("x-ratelimit-remaining") === "0";
  const secondary = /secondary rate limit/i.test(message);
  if (status === 429 || (status === 403 && (exhausted || secondary || retryAfter !== undefined))) {
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    const retryAfterMs = retryAfter ??
      (exhausted && Number.isFinite(reset) && reset > 0
        ? Math.max(0, reset * 1000 - now) + 1000
        : SECONDARY_LIMIT_WAIT_MS);
    return new PlatformError(`GitHub rate limit on ${what} (${status}${said})`, {
      status,
      retryable: true,
      retryAfterMs,
    });
  }
  if (status >= 500) {
    return new PlatformError(`GitHub ${what} failed with ${status}${said}`, {
      status,
      retryable: true,
      retryAfterMs: retryAfter,
    });
  }
  if (status === 401) {
    return new PlatformError(`GitHub rejected the credentials (401${said}) on ${what}`, {
      status,
      retryable: false,
    });
  }
  if (status === 404 && notFound) return new PlatformError(notFound, { status, retryable: false });
  return new PlatformError(`GitHub ${what} failed with ${status}${said}`, {
    status,
    retryable: false,
  });
}

/** `retry-after` in seconds or as an HTTP date, in milliseconds from `now`. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(m[2])) return m[1];
  }
  return null;
}

function describe(req: GithubRequest, url: URL, base: URL): string {
  const path = "/" + url.pathname.slice(base.pathname.length);
  return `${req.method ?? "GET"} ${path}`;
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PlatformError(`GitHub ${what} answered ${status} with a body that is not JSON`, {
      status,
      retryable: false,
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join(".") : "the body";
  throw new PlatformError(
    `GitHub ${what} answered ${status} with an unexpected body: ${where}: ${issue.message}`,
    { status, retryable: false },
  );
}
