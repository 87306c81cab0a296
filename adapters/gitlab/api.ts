/**
 * The GitLab REST (v4) client the adapter calls through: the token, pagination by `Link` or
 * `x-next-page`, and the mapping of every failure to a {@link PlatformError} the queue can act on.
 * @module
 */

import type { z } from "zod";
import { errorBody } from "../_shared/error_body.ts";
import { parseJsonBody } from "../_shared/json_body.ts";
import { followPages, insideApiRoot, nextLink } from "../_shared/paginate.ts";
import { platformError } from "../_shared/platform_error.ts";
import { parseRetryAfter, untilReset } from "../../src/net/mod.ts";
import { sendJson } from "../_shared/send_json.ts";
import { PlatformError } from "../../src/platform/mod.ts";

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
    if (!insideApiRoot(url, base)) {
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
    const res = await sendJson(options.fetch, url, {
      method: req.method ?? "GET",
      headers,
      body: req.body,
      platform: "GitLab",
      what: describe(req, url),
    });
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
    list: <T>(req: GitlabRequest, item: z.ZodType<T>): Promise<T[]> =>
      followPages(req, urlOf, async (current, url) => {
        const res = await request(current);
        const items = await read(res, item.array(), describe(current, url));
        const link = nextLink(res.headers.get("link"));
        const page = res.headers.get("x-next-page")?.trim();
        let next: GitlabRequest | null = null;
        if (link) next = { ...req, path: link, query: undefined };
        else if (page) next = { ...req, path: url.href, query: { page } };
        return { items, next };
      }),
  };
}

/**
 * GitLab's explanation of a failure, from any of the shapes it answers with: `message` as a
 * string (`400 Bad request - Note {:line_code=>["can't be blank"]}`), `message` as an object of
 * field errors (`{"line_code": ["can't be blank"]}` → `line_code can't be blank`), `error`
 * (`ref is missing`) with an optional `error_description`, or plain text (`Retry later`).
 */
export function gitlabMessage(body: string): string {
  const parsed = errorBody(body);
  if (typeof parsed === "string") return parsed;
  const { message, error, error_description } = parsed;
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
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
  return platformError({
    platform: "GitLab",
    credential: "the token",
    what,
    status: res.status,
    message: gitlabMessage(body),
    notFound,
    retryAfterMs: retryAfter,
    // A second past the reset, which the header gives in whole seconds; without either header
    // the queue's own backoff decides.
    rateLimit: res.status === 429
      ? { waitMs: retryAfter ?? untilReset(res.headers.get("ratelimit-reset"), now, 1000) }
      : undefined,
  });
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  return parseJsonBody("GitLab", text, schema, what, status);
}
