/**
 * The GitHub REST client the adapter calls through: the shared REST client set up with GitHub's
 * headers and credentials, its error bodies and its rate limits (429, and some 403s).
 * @module
 */

import {
  createRestClient,
  messageWithDetails,
  type RestClient,
  type RestRequest,
} from "../_shared/mod.ts";
import { untilReset } from "../../src/net/mod.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

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

/** One call: defaults to `Accept: application/vnd.github+json`. */
export interface GithubRequest extends RestRequest {
  /** The repository the call is about, for its credentials. */
  repo?: RepoRef;
  /** Sent instead of the repository's credentials (the App's JWT). */
  authorization?: string;
}

/** The client; see {@link createGithubApi}. `list` follows `Link: <…>; rel="next"`. */
export type GithubApi = RestClient<GithubRequest>;

// GitHub asks clients that hit a secondary limit without a `retry-after` to wait at least a minute.
const SECONDARY_LIMIT_WAIT_MS = 60_000;

/**
 * Creates the client. Every call carries `Accept`, `X-GitHub-Api-Version: 2022-11-28` and
 * `User-Agent: loom`. A 401 to a credential `rejected` drops is sent once more with a fresh
 * one. Rate limits (429, or 403 with `x-ratelimit-remaining: 0`, a secondary limit or a
 * `retry-after`) wait for `retry-after`, else a second past `x-ratelimit-reset`, else a minute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { createGithubApi } from "./api.ts";
 *
 * // A fake GitHub: the pull request, then a rate limit.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   const req = new Request(input, init);
 *   seen.push(req);
 *   if (seen.length === 1) return Response.json({ number: 7, title: "Fix" });
 *   return Response.json({ message: "API rate limit exceeded" }, {
 *     status: 403,
 *     headers: { "retry-after": "30" },
 *   });
 * };
 * const api = createGithubApi({
 *   apiUrl: "https://api.github.com",
 *   fetch: fakeFetch,
 *   now: Date.now,
 *   authorization: () => Promise.resolve("Bearer ghp_example"),
 * });
 * const repo = { platform: "github", fullName: "octo/app" };
 * const pullSchema = z.object({ number: z.number(), title: z.string() });
 * const pr = await api.json({ path: "/repos/octo/app/pulls/7", repo }, pullSchema);
 * assert.deepEqual(pr, { number: 7, title: "Fix" });
 * assert.equal(seen[0].headers.get("x-github-api-version"), "2022-11-28");
 * assert.equal(seen[0].headers.get("authorization"), "Bearer ghp_example");
 *
 * await assert.rejects(api.json({ path: "/repos/octo/app/pulls/7", repo }, pullSchema), {
 *   name: "PlatformError",
 *   retryable: true,
 *   retryAfterMs: 30_000,
 * });
 * ```
 */
export function createGithubApi(options: GithubApiOptions): GithubApi {
  return createRestClient<GithubRequest>({
    platform: "GitHub",
    credential: "the credentials",
    base: new URL(options.apiUrl.replace(/\/+$/, "") + "/"),
    fetch: options.fetch,
    now: options.now,
    accept: "application/vnd.github+json",
    headers: { "X-GitHub-Api-Version": "2022-11-28" },
    authorization: (req) => req.authorization ?? options.authorization(req.repo),
    message: githubMessage,
    async answered(res, call) {
      const sent = call.headers["Authorization"];
      if (
        res.status !== 401 || call.req.authorization !== undefined || !sent ||
        !options.rejected?.(sent)
      ) {
        return res;
      }
      await res.body?.cancel();
      return await call.resend();
    },
    rateLimit(res, { message, retryAfterMs, now }) {
      const exhausted = res.headers.get("x-ratelimit-remaining") === "0";
      const secondary = /secondary rate limit/i.test(message);
      const limited = res.status === 429 ||
        (res.status === 403 && (exhausted || secondary || retryAfterMs !== undefined));
      if (!limited) return null;
      // A second past the primary limit's reset, which the header gives in whole seconds.
      const untilPrimaryReset = exhausted
        ? untilReset(res.headers.get("x-ratelimit-reset"), now, 1000)
        : undefined;
      return { waitMs: retryAfterMs ?? untilPrimaryReset ?? SECONDARY_LIMIT_WAIT_MS };
    },
  });
}

/**
 * GitHub's explanation of a failure: `message` followed by the `errors` entries, e.g.
 * `Validation Failed: pull_request_review_thread.line must be part of the diff`.
 */
export const githubMessage: (body: string) => string = messageWithDetails;
