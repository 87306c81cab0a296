/**
 * The GitLab REST (v4) client the adapter calls through: the shared REST client set up with the
 * token, pagination by `Link` or `x-next-page`, GitLab's error bodies and its `RateLimit-Reset`.
 * @module
 */

import { z } from "zod";
import type { GitlabDiffEntry } from "./_diff.ts";
import {
  createRestClient,
  errorBody,
  linkNext,
  type RestClient,
  type RestRequest,
} from "../_shared/mod.ts";
import { untilReset } from "../../src/net/mod.ts";

/** Where calls go and how they authenticate; see {@link createGitlabApi}. */
export interface GitlabApiOptions {
  /** The instance: `https://gitlab.com`, or `https://HOST[/relative-root]` when self-managed. */
  url: string;
  /** Sent as `Authorization: Bearer`: GitLab takes personal, project, group and OAuth tokens so. */
  token?: string;
  fetch: typeof fetch;
  now: () => number;
}

/** One call, below `/api/v4`; answers are always asked for as JSON. */
export type GitlabRequest = Omit<RestRequest, "accept">;

/** The client; see {@link createGitlabApi}. `list` follows `Link: rel="next"` or `x-next-page`. */
export type GitlabApi = RestClient<GitlabRequest>;

/**
 * Creates the client. Rate limits (429) are retryable after `Retry-After`, else a second past
 * `RateLimit-Reset`, else the queue's own backoff (GitLab is reported to drop these headers on
 * some 429s); 5xx and network errors are retryable; other 4xx are permanent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { createGitlabApi } from "./api.ts";
 *
 * // A fake GitLab: the merge request, then a 429 with `Retry-After`.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   if (seen.length === 1) return Response.json({ iid: 7, title: "Fix" });
 *   return new Response("Retry later\n", { status: 429, headers: { "retry-after": "3" } });
 * };
 * const api = createGitlabApi({
 *   url: "https://gitlab.com",
 *   token: "glpat-example",
 *   fetch: fakeFetch,
 *   now: Date.now,
 * });
 * const path = "/projects/group%2Fapp/merge_requests/7";
 * const schema = z.object({ iid: z.number(), title: z.string() });
 * assert.deepEqual(await api.json({ path }, schema), { iid: 7, title: "Fix" });
 * assert.equal(seen[0].url, "https://gitlab.com/api/v4/projects/group%2Fapp/merge_requests/7");
 * assert.equal(seen[0].headers.get("authorization"), "Bearer glpat-example");
 *
 * await assert.rejects(api.json({ path }, schema), {
 *   name: "PlatformError",
 *   retryable: true,
 *   retryAfterMs: 3_000,
 * });
 * ```
 */
export function createGitlabApi(options: GitlabApiOptions): GitlabApi {
  return createRestClient<GitlabRequest>({
    platform: "GitLab",
    credential: "the token",
    base: new URL(options.url.replace(/\/+$/, "") + "/api/v4/"),
    fetch: options.fetch,
    now: options.now,
    accept: "application/json",
    authorization: () => options.token ? `Bearer ${options.token}` : null,
    message: gitlabMessage,
    rateLimit: (res, { retryAfterMs, now }) =>
      res.status === 429
        // A second past the reset, which the header gives in whole seconds.
        ? { waitMs: retryAfterMs ?? untilReset(res.headers.get("ratelimit-reset"), now, 1000) }
        : null,
    nextPage(res, first, url) {
      const page = res.headers.get("x-next-page")?.trim();
      return linkNext(res, first) ?? (page ? { ...first, path: url.href, query: { page } } : null);
    },
  });
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

/**
 * One file of a diff as GitLab lists it (a merge request's `/diffs`, a comparison's `diffs`):
 * its paths and modes, what happened to it, and its hunks.
 */
export const diffEntry: z.ZodType<GitlabDiffEntry> = z.object({
  old_path: z.string(),
  new_path: z.string(),
  a_mode: z.string().nullish(),
  b_mode: z.string().nullish(),
  new_file: z.boolean(),
  renamed_file: z.boolean(),
  deleted_file: z.boolean(),
  diff: z.string().nullish().transform((d) => d ?? ""),
  too_large: z.boolean().nullish(),
  collapsed: z.boolean().nullish(),
});
