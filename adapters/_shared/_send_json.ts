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
 * import assert from "node:assert/strict";
 * import { sendJson } from "./_send_json.ts";
 *
 * // A fake `fetch` that answers with what it was sent.
 * const echo: typeof fetch = async (_url, init) =>
 *   Response.json({ type: new Headers(init?.headers).get("content-type"), body: init?.body });
 * const call = {
 *   method: "POST",
 *   headers: { Accept: "application/json" },
 *   body: { body: "hi" },
 *   platform: "Gitea",
 *   what: "POST /api/v1/repos/o/r/issues/1/comments",
 * };
 * const url = new URL("https://git.example.com/api/v1/repos/o/r/issues/1/comments");
 * const res = await sendJson(echo, url, call);
 * assert.deepEqual(await res.json(), { type: "application/json", body: '{"body":"hi"}' });
 *
 * const down: typeof fetch = () => Promise.reject(new TypeError("connection refused"));
 * await assert.rejects(sendJson(down, url, call), {
 *   name: "PlatformError",
 *   message: `Gitea ${call.what} could not be reached: connection refused`,
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
