/**
 * The Azure DevOps REST client the adapter calls through: the shared REST client set up with
 * `api-version=7.1` on every call, the personal access token as Basic auth, and Azure's ways of
 * refusing a token (a sign-in page, a redirect to one).
 * @module
 */

import {
  basicAuthorization,
  createRestClient,
  type RestClient,
  type RestRequest,
} from "../_shared/mod.ts";
import { retryAfterMs, untilReset } from "../../src/net/mod.ts";
import { PlatformError } from "../../src/platform/mod.ts";

/** The REST API version every call names; Azure DevOps refuses calls without one. */
export const AZURE_DEVOPS_API_VERSION = "7.1";

/** Where calls go and how they authenticate; see {@link createAzureDevopsApi}. */
export interface AzureDevopsApiOptions {
  /** The organization URL: `https://dev.azure.com/ORG` (Azure DevOps Server: `https://HOST/COLLECTION`). */
  url: string;
  /** A personal access token, sent as the password of Basic auth. */
  token: string;
  fetch: typeof fetch;
  now: () => number;
}

/** One call: `path` below the organization URL, `/Project/_apis/git/repositories/app/…`. */
export type AzureDevopsRequest = RestRequest;

/** The client; see {@link createAzureDevopsApi}. Azure's lists are read by the adapter. */
export type AzureDevopsApi = Omit<RestClient<AzureDevopsRequest>, "list" | "pages">;

// Azure sends Retry-After with its 429s; this is only for an answer that lacks one.
const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;
const REJECTED = "Azure DevOps rejected the credentials";

/**
 * Creates the client. Every call also carries `X-TFS-FedAuthRedirect: Suppress`, which asks for
 * a 401 rather than a sign-in page. Redirects are not followed: Azure DevOps redirects only to
 * its sign-in page, which must not receive the token.
 *
 * Failures: 429 is retryable after `Retry-After` (or `retry-after-ms`), else `x-ratelimit-reset`,
 * else 30 seconds; a 203 or a 2xx HTML page (Azure's answer to a PAT it does not accept), a 401
 * or a redirect are the permanent "Azure DevOps rejected the credentials".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { createAzureDevopsApi } from "./api.ts";
 *
 * // A fake Azure DevOps: the pull request, then its answer to a token it does not accept.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   if (seen.length === 1) return Response.json({ pullRequestId: 7, title: "Fix" });
 *   return new Response("<html>Sign in</html>", {
 *     status: 203,
 *     headers: { "content-type": "text/html" },
 *   });
 * };
 * const api = createAzureDevopsApi({
 *   url: "https://dev.azure.com/org",
 *   token: "pat",
 *   fetch: fakeFetch,
 *   now: Date.now,
 * });
 * const path = "/Proj/_apis/git/repositories/app/pullrequests/7";
 * const schema = z.object({ pullRequestId: z.number(), title: z.string() });
 * assert.deepEqual(await api.json({ path }, schema), { pullRequestId: 7, title: "Fix" });
 * const url = new URL(seen[0].url);
 * assert.equal(url.pathname, "/org/Proj/_apis/git/repositories/app/pullrequests/7");
 * assert.equal(url.searchParams.get("api-version"), "7.1");
 * assert.equal(seen[0].headers.get("authorization"), `Basic ${btoa(":pat")}`);
 * assert.equal(seen[0].headers.get("x-tfs-fedauthredirect"), "Suppress");
 *
 * await assert.rejects(api.json({ path }, schema), {
 *   name: "PlatformError",
 *   message: /^Azure DevOps rejected the credentials/,
 *   retryable: false,
 * });
 * ```
 */
export function createAzureDevopsApi(options: AzureDevopsApiOptions): AzureDevopsApi {
  const authorization = basicAuthorization("", options.token);
  const { describe, request, send, read, json, text } = createRestClient<AzureDevopsRequest>({
    platform: "Azure DevOps",
    credential: "the credentials",
    base: new URL(options.url.replace(/\/+$/, "") + "/"),
    fetch: options.fetch,
    now: options.now,
    accept: "application/json",
    authorization: () => authorization,
    headers: { "X-TFS-FedAuthRedirect": "Suppress" },
    query: { "api-version": AZURE_DEVOPS_API_VERSION },
    redirect: "manual",
    message: azureDevopsMessage,
    async answered(res, call) {
      // 203 is how Azure DevOps answers a token it does not accept: a sign-in page, "successfully".
      if (res.status === 203) {
        await res.body?.cancel();
        throw new PlatformError(`${REJECTED} (203, a sign-in page) on ${call.what}`, {
          status: 203,
          retryable: false,
        });
      }
      if (res.status < 300 || res.status >= 400) return res;
      // Not followed: Azure redirects only to its sign-in page.
      const message = azureDevopsMessage(await res.text());
      const said = message ? `: ${message}` : "";
      throw new PlatformError(`${REJECTED} (${res.status}${said}) on ${call.what}`, {
        status: res.status,
        retryable: false,
      });
    },
    checkBody(res, what) {
      if (/text\/html/i.test(res.headers.get("content-type") ?? "")) {
        throw new PlatformError(`${REJECTED} (${res.status}, an HTML page) on ${what}`, {
          status: res.status,
          retryable: false,
        });
      }
    },
    // Unlike `parseRetryAfter`, this also reads `retry-after-ms`: Azure's waits stay as they were.
    retryAfter: (res, now) => retryAfterMs(res.headers, now),
    rateLimit: (res, { retryAfterMs, now }) =>
      res.status === 429
        ? {
          waitMs: retryAfterMs ?? untilReset(res.headers.get("x-ratelimit-reset"), now) ??
            DEFAULT_RATE_LIMIT_WAIT_MS,
        }
        : null,
  });
  return { describe, request, send, read, json, text };
}

/** Azure DevOps' explanation of a failure: the `message` of its JSON error, else the text. */
export function azureDevopsMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed?.message === "string") return parsed.message.slice(0, 1_000);
  } catch { /* not JSON */ }
  if (/^\s*</.test(body)) return "";
  return body.trim().slice(0, 300);
}
