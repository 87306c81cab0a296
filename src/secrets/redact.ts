/**
 * Keeping secrets out of text Loom shows or logs: the known credentials of a model endpoint
 * where a message is made, and common credential shapes wherever text is shown to a whole pull
 * request.
 * @module
 */

import { redactUrls } from "./redact_url.ts";

/** Where a model endpoint's credentials are: its API key and its base URL (user info, query). */
export interface EndpointCredentials {
  apiKey?: string;
  baseUrl: string;
}

/**
 * Replaces every occurrence of the endpoint's API key (and any password or query value in its
 * base URL) with `***`. Servers echo keys back in error bodies, so every message built from a
 * server's answer goes through here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redact } from "./redact.ts";
 *
 * const model = { apiKey: "sk-123456", baseUrl: "https://api.example/v1" };
 * assert.equal(redact("bad key sk-123456", model), "bad key ***");
 * ```
 */
export function redact(text: string, endpoint: EndpointCredentials): string {
  let out = text;
  for (const secret of secretsOf(endpoint)) out = out.replaceAll(secret, "***");
  return out;
}

/**
 * The base URL as it may appear in messages: without user info, query or fragment (where
 * gateways sometimes carry credentials).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayUrl } from "./redact.ts";
 *
 * assert.equal(displayUrl("https://user:pw@gw.example/v1?key=abc"), "https://gw.example/v1");
 * ```
 */
export function displayUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/$/, "");
  } catch {
    return "(invalid base_url)";
  }
}

const AUTH_HEADER = /\b(Bearer|Basic|Token)\s+[\w.~+/=-]{8,}/gi;
const OPENAI_KEY = /\bsk-[\w-]{8,}/g;
const KEY_VALUE = /\b(api[_-]?key|\w*token|password|secret)(["']?\s*[:=]\s*["']?)[^\s"'&,;]{4,}/gi;

/**
 * Masks common credential shapes without knowing the secret: an `Authorization` scheme's token,
 * an `sk-…` key, `api_key=…`, `…token: …`, `password=…`, `secret=…` values, and the user info
 * and query values of any URL ({@link redactUrls}). Errors are
 * redacted where they are made ({@link redact} knows the real key); this catches what slips
 * through, for text shown to everyone who can read a pull request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scrubCredentials } from "./redact.ts";
 *
 * assert.equal(
 *   scrubCredentials("Bearer abcdef1234567890 api_key=xyz12345"),
 *   "Bearer *** api_key=***",
 * );
 * ```
 */
export function scrubCredentials(text: string): string {
  return redactUrls(text)
    .replace(AUTH_HEADER, "$1 ***")
    .replace(OPENAI_KEY, "sk-***")
    .replace(KEY_VALUE, "$1$2***");
}

function secretsOf(endpoint: EndpointCredentials): string[] {
  const secrets: string[] = [];
  // A very short key would redact ordinary words; such a key is not a real secret anyway.
  if (endpoint.apiKey && endpoint.apiKey.length >= 4) secrets.push(endpoint.apiKey);
  try {
    const url = new URL(endpoint.baseUrl);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    // A user name alone is how some gateways take a key (`https://KEY@gw/v1`).
    if (url.username.length >= 4) secrets.push(url.username, decodeURIComponent(url.username));
    for (const value of url.searchParams.values()) {
      if (value.length >= 4) secrets.push(encodeURIComponent(value));
    }
    for (const value of url.searchParams.values()) if (value.length >= 4) secrets.push(value);
  } catch {
    // An unparseable base URL fails the call itself; there is nothing more to hide here.
  }
  return secrets;
}
