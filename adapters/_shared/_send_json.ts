/**
 * Sending one call to a platform's API, with a JSON body when there is one.
 * @module
 */

import { PlatformError } from "../../src/platform/mod.ts";

/** One call as a client sends it; see {@link sendJson}. */
export interface JsonCall {
  method: string;
  /** Every header but `Content-Type`, which is added when there is a body. */
  headers: Record<string, string>;
  /** Sent as JSON; undefined sends no body. */
  body?: unknown;
  /** Left out to follow redirects, `manual` where a redirect must not carry the credentials on. */
  redirect?: RequestRedirect;
  /** The platform and the call as a network failure names them: `GitHub`, `GET /user`. */
  platform: string;
  what: string;
}

/**
 * Sends `call` to `url` and returns whatever the platform answered. A network failure (DNS,
 * refused connection, reset) is a retryable {@link PlatformError} naming the call and the
 * reason, and never a header, so that no credential reaches a log.
 *
 * @example
 * ```ts
 * const res = await sendJson(fetch, url, {
 *   method: "POST", headers: { "Accept": "application/json" }, body: { body: "hi" },
 *   platform: "Gitea", what: "POST /api/v1/repos/o/r/issues/1/comments",
 * });
 * ```
 */
export async function sendJson(fetchFn: typeof fetch, url: URL, call: JsonCall): Promise<Response> {
  const headers = { ...call.headers };
  if (call.body !== undefined) headers["Content-Type"] = "application/json";
  const init: RequestInit = {
    method: call.method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  };
  if (call.redirect) init.redirect = call.redirect;
  try {
    return await fetchFn(url, init);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlatformError(`${call.platform} ${call.what} could not be reached: ${reason}`, {
      status: 0,
      retryable: true,
    });
  }
}
