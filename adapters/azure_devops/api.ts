/**
 * The Azure DevOps REST client the adapter calls through: `api-version=7.1` on every call, the
 * personal access token as Basic auth, and the mapping of every failure to a
 * {@link PlatformError} the queue can act on.
 * @module
 */

import type { z } from "zod";
import { retryAfterMs, untilReset } from "../../src/net/mod.ts";
import { basicAuthorization } from "../_shared/basic_auth.ts";
import { parseJsonBody } from "../_shared/json_body.ts";
import { platformError } from "../_shared/platform_error.ts";
import { sendJson } from "../_shared/send_json.ts";
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

/** One call. */
export interface AzureDevopsRequest {
  method?: string;
  /** Path below the organization URL: `/Project/_apis/git/repositories/app/pullrequests/7`. */
  path: string;
  /** Added to `api-version`. */
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

/** The client; see {@link createAzureDevopsApi}. */
export interface AzureDevopsApi {
  /** A response with a 2xx status or one of `expect`; anything else throws PlatformError. */
  request(req: AzureDevopsRequest): Promise<Response>;
  /** The JSON body of a 2xx answer, checked against `schema`. */
  json<T>(req: AzureDevopsRequest, schema: z.ZodType<T>): Promise<T>;
  /** The JSON body of a response `request` returned for `req`, checked against `schema`. */
  read<T>(res: Response, req: AzureDevopsRequest, schema: z.ZodType<T>): Promise<T>;
}

// Azure sends Retry-After with its 429s; this is only for an answer that lacks one.
const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;
const REJECTED = "Azure DevOps rejected the credentials";

/**
 * Creates the client. Every call carries `api-version=7.1`, `Authorization: Basic
 * base64(":" + token)`, `Accept`, `User-Agent: loom` and `X-TFS-FedAuthRedirect: Suppress` (which
 * asks for a 401 rather than a sign-in page). Redirects are not followed: Azure DevOps redirects
 * only to its sign-in page, which must not receive the token.
 *
 * Failures: 429 is retryable after `Retry-After`; 5xx and network errors are retryable; a 203
 * with an HTML sign-in page (Azure's answer to a PAT it does not accept), a 401 or a redirect are
 * the permanent "Azure DevOps rejected the credentials"; other 4xx are permanent with Azure's
 * message. No message ever carries the token: headers are not part of any.
 *
 * @example
 * ```ts
 * const api = createAzureDevopsApi({ url: "https://dev.azure.com/org", token, fetch, now: Date.now });
 * const pr = await api.json({ path: "/Proj/_apis/git/repositories/app/pullrequests/7" }, schema);
 * ```
 */
export function createAzureDevopsApi(options: AzureDevopsApiOptions): AzureDevopsApi {
  const base = new URL(options.url.replace(/\/+$/, "") + "/");
  const authorization = basicAuthorization("", options.token);

  const urlOf = (req: AzureDevopsRequest): URL => {
    const url = new URL(req.path.replace(/^\/+/, ""), base);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    url.searchParams.set("api-version", AZURE_DEVOPS_API_VERSION);
    return url;
  };

  const describe = (req: AzureDevopsRequest) => `${req.method ?? "GET"} ${req.path}`;

  const request = async (req: AzureDevopsRequest): Promise<Response> => {
    const headers: Record<string, string> = {
      "Accept": req.accept ?? "application/json",
      "Authorization": authorization,
      "User-Agent": "loom",
      "X-TFS-FedAuthRedirect": "Suppress",
    };
    const res = await sendJson(options.fetch, urlOf(req), {
      method: req.method ?? "GET",
      headers,
      body: req.body,
      redirect: "manual",
      platform: "Azure DevOps",
      what: describe(req),
    });
    // 203 is how Azure DevOps answers a token it does not accept: a sign-in page, "successfully".
    if (res.status === 203) {
      await res.body?.cancel();
      throw new PlatformError(`${REJECTED} (203, a sign-in page) on ${describe(req)}`, {
        status: 203,
        retryable: false,
      });
    }
    if (res.ok || req.expect?.includes(res.status)) return res;
    throw toPlatformError(res, await res.text(), describe(req), req.notFound, options.now());
  };

  const read = async <T>(res: Response, req: AzureDevopsRequest, schema: z.ZodType<T>) => {
    const type = res.headers.get("content-type") ?? "";
    const text = await res.text();
    if (/text\/html/i.test(type)) {
      throw new PlatformError(`${REJECTED} (${res.status}, an HTML page) on ${describe(req)}`, {
        status: res.status,
        retryable: false,
      });
    }
    return parseBody(text, schema, describe(req), res.status);
  };

  return {
    request,
    read,
    async json<T>(req: AzureDevopsRequest, schema: z.ZodType<T>): Promise<T> {
      return await read(await request(req), req, schema);
    },
  };
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

function toPlatformError(
  res: Response,
  body: string,
  what: string,
  notFound: string | undefined,
  now: number,
): PlatformError {
  const status = res.status;
  const message = azureDevopsMessage(body);
  // Not followed (see createAzureDevopsApi): Azure redirects only to its sign-in page.
  if (status >= 300 && status < 400) {
    const said = message ? `: ${message}` : "";
    return new PlatformError(`${REJECTED} (${status}${said}) on ${what}`, {
      status,
      retryable: false,
    });
  }
  // Unlike `parseRetryAfter`, this also reads `retry-after-ms`: Azure's waits stay as they were.
  const retryAfter = retryAfterMs(res.headers, now);
  return platformError({
    platform: "Azure DevOps",
    credential: "the credentials",
    what,
    status,
    message,
    notFound,
    retryAfterMs: retryAfter,
    rateLimit: status === 429
      ? {
        waitMs: retryAfter ?? untilReset(res.headers.get("x-ratelimit-reset"), now) ??
          DEFAULT_RATE_LIMIT_WAIT_MS,
      }
      : undefined,
  });
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, status: number): T {
  return parseJsonBody("Azure DevOps", text, schema, what, status);
}
