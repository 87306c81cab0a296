/**
 * The GitLab REST (v4) client the adapter calls through: the token, pagination by `Link` or
 * `x-next-page`, and the mapping of every failure to a {@link PlatformError} the queue can act on.
 * @module
 */

import type { z } from "zod";
import { PlatformError } from "./types.ts";

/** Where calls go and how they authenticate; see {@link createGitlabApi}. */
export interface GitlabApiOptions {
  /** The instance: `https://gitlab.com`, or `https://HOST[/relative-root]` when self-managed. */
  url: string;
  /** Sent as `Authorization: Bearer`: GitLab takes personal, project, group and OAuth tokens so. */
  token?: string;
  fetch: typeof fetch;
  now: () => number;
}

/** One call. */
export interface GitlabRequest {
  method?: string;
  /** Path below `/api/v4` (`/projects/1/merge_requests/2`), or an absolute URL from `Link`. */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Statuses returned to the caller rather than thrown (404 for a missing file, 400…). */
  expect?: number[];
  /** The message of the permanent error for a 404, when the caller knows what is missing. */
  notFound?: string;
}

/** The client; see {@link createGitlabApi}. */
export interface GitlabApi {
  /** The API root every call goes below: `${url}/api/v4`. */
  base: string;
  /** A response with a 2xx status or one of `expect`; anything else throws PlatformError. */
  request(req: GitlabRequest): Promise<Response>;
  /** The JSON body of a 2xx answer, checked against `schema`. */
  json<T>(req: GitlabRequest, schema: z.ZodType<T>): Promise<T>;
  /** The JSON body of a response `request` returned, checked against `schema`. */
  read<T>(res: Response, schema: z.ZodType<T>, what: string): Promise<T>;
  /** Every item of a paginated list, following `Link: rel="next"` or `x-next-page` to the end. */
  list<T>(req: GitlabRequest, item: z.ZodType<T>): Promise<T[]>;
}

// A loop guard far above what a merge request has (GitLab caps offset pagination at 50,000 rows).
const MAX_PAGES = 1_000;

/**
 * Creates the client. Error messages name the method, the path and GitLab's own message, and
 * never the token: headers are not part of any message. Rate limits (429) are retryable after
 * `Retry-After`, else `RateLimit-Reset`, else the queue's own backoff (GitLab is reported to
 * drop these headers on some 429s); 5xx and network errors are retryable; other 4xx are
 * permanent.
 *
 * @example
 * ```ts
 * const api = createGitlabApi({ url: "https://gitlab.com", token, fetch, now: Date.now });
 * const mr = await api.json({ path: "/projects/group%2Fapp/merge_requests/7" }, schema);
 * ```
 */
export function createGitlabApi(options: GitlabApiOptions): GitlabApi {
  const base = new URL(options.url.replace(/\/+$/, "") + "/api/v4/");
  const baseText = base.href.replace(/\/$/, "");

  const urlOf = (req: GitlabRequest): URL => {
    const url = /^https?:\/\//.test(req.path)
      ? new URL(req.path)
      : new URL(base.href + req.path.replace(/^\/+/, ""));
    // A `Link` header pointing elsewhere must not receive the token.
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new PlatformError(
        `GitLab sent a link outside the API URL: ${url.origin}${url.pathname}`,
        { status: 0, retryable: false },
      );
    }
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    return url;
  };

  const describe = (req: GitlabRequest, url: URL) =>
    `${req.method ?? "GET"} /${url.pathname.slice(base.pathname.length)}`;

  const request = async (req: GitlabRequest): Promise<Response> => {
    const url = urlOf(req);
    const headers: Record<string, string> = { "Accept": "application/json", "User-Agent": "loom" };
    if (options.token) headers["Authorization"] = `Bearer ${options.token}`;
    if (req.body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await options.fetch(url, {
        method: req.method ?? "GET",
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PlatformError(`GitLab ${describe(req, url)} could not be reached: ${reason}`, {
        status: 0,
        retryable: true,
      });
    }
    if (res.ok || req.expect?.includes(res.status)) return res;
    throw toPlatformError(res, await res.text(), describe(req, url), req.notFound, options.now());
  };

  const read = async <T>(res: Response, schema: z.ZodType<T>, what: string): Promise<T> =>
    parseBody(await res.text(), schema, what, res.status);

  return {
    base: baseText,
    request,
    read,
    async json<T>(req: GitlabRequest, schema: z.ZodType<T>): Promise<T> {
      const res = await request(req);
      return await read(res, schema, describe(req, urlOf(req)));
    },
    async list<T>(req: GitlabRequest, item: z.ZodType<T>): Promise<T[]> {
      const out: T[] = [];
      const seen = new Set<string>();
      let next: GitlabRequest | null = req;
      while (next && seen.size < MAX_PAGES) {
        const url = urlOf(next);
        if (seen.has(url.href)) break;
        seen.add(url.href);
        const res = await request(next);
        out.push(...await read(res, item.array(), describe(next, url)));
        const link = nextLink(res.headers.get("link"));
        const page = res.headers.get("x-next-page")?.trim();
        if (link) next = { ...req, path: link, query: undefined };
        else if (page) next = { ...req, path: url.href, query: { page } };
        else next = null;
      }
      return out;
    },
  };
}

/**
 * GitLab's explanation of a failure, from any of the shapes it answers with: `message` as a
 * string (`400 Bad request - Note {:line_code=>["can't be blank"]}`), `message` as an object of
 * field errors (`{"line_code": ["can't be blank"]}` → `line_code can't be blank`), `error`
 * (`ref is missing`) with an optional `error_description`, or plain text (`Retry later`).
 */
export function gitlabMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 300);
  }
  if (typeof parsed !== "object" || parsed === null) return String(parsed).slice(0, 300);
  const { message, error, error_description } = parsed as Record<string, unknown>;
  const parts: string[] = [];
  for (const value of [message, error, error_description]) {
    if (typeof value === "string") parts.push(value);
    else if (Array.isArray(value)) parts.push(value.map(String).join("; "));
    else if (typeof value === "object" && value !== null) {
      parts.push(
        Object.entries(value).map(([field, problems]) =>
          `${field} ${Array.isArray(problems) ? problems.join(", ") : String(problems)}`
        ).join("; "),
      );
    }
  }
  return parts.filter(Boolean).join(": ").slice(0, 1_000);
}

function toPlatformError(
  res: Response,
  body: string,
  what: string,
  notFound: string | undefined,
  now: number,
): PlatformError {
  const status = res.status;
  const message = gitlabMessage(body);
  const said = message ? `: ${message}` : "";
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
  if (status === 429) {
    const reset = Number(res.headers.get("ratelimit-reset"));
    const retryAfterMs = retryAfter ??
      (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) + 1000 : undefined);
    return new PlatformError(`GitLab rate limit on ${what} (429${said})`, {
      status,
      retryable: true,
      retryAfterMs,
    });
  }
  if (status >= 500) {
    return new PlatformError(`GitLab ${what} failed with ${status}${said}`, {
      status,
      retryable: true,
      retryAfterMs: retryAfter,
    });
  }
  if (status === 401) {
    return new PlatformError(`GitLab rejected the token (401${said}) on ${what}`, {
      status,
      retryable: false,
    });
  }
  if (status === 404 && notFound) return new PlatformError(notFound, { status, retryable: false });
  return new PlatformError(`GitLab ${what} failed with ${status}${said}`, {
    status,
    retryable: false,
  });
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `now`. */
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

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PlatformError(`GitLab ${what} answered ${status} with a body that is not JSON`, {
      status,
      retryable: false,
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join(".") : "the body";
  throw new PlatformError(
    `GitLab ${what} answered ${status} with an unexpected body: ${where}: ${issue.message}`,
    { status, retryable: false },
  );
}
