/**
 * Masking the credentials a URL may carry — its user info and its query values — wherever a URL
 * is shown: gateways take keys as `?api-key=…` or `https://KEY@host`, and a URL is logged at
 * start, echoed in setting problems and config errors, and quoted in model errors.
 * @module
 */

const MASK = "***";

// A URL in running text: a scheme, `//`, then anything up to white space, a quote or a bracket,
// less trailing punctuation that ends the sentence rather than the URL.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*[^\s"'<>`.,;:!?)\]]/gi;

/**
 * `text` with every URL in it masked: user info (`user:***@` when there is a password, `***@`
 * when the user name alone is the credential) and every query value (`?api-key=***`; a bare
 * `?token` becomes `?***`). The rest of the URL stays as written, so the host and path still
 * tell which endpoint is meant. Linear in the text: one scan, no backtracking.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUrls } from "./redact_url.ts";
 *
 * assert.equal(
 *   redactUrls("calling https://KEY@gw.example/v1?api-key=abc&v=2"),
 *   "calling https://***@gw.example/v1?api-key=***&v=***",
 * );
 * assert.equal(redactUrls("postgres://loom:hunter2@db/loom"), "postgres://loom:***@db/loom");
 * ```
 */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, redactUrl);
}

function redactUrl(url: string): string {
  const start = url.indexOf("//") + 2;
  const authorityEnd = firstOf(url, "/?#", start);
  const authority = url.slice(start, authorityEnd);
  const at = authority.lastIndexOf("@");
  let out = url.slice(0, start);
  if (at >= 0) {
    const user = authority.slice(0, at);
    const colon = user.indexOf(":");
    out += (colon >= 0 ? `${user.slice(0, colon)}:${MASK}` : MASK) + authority.slice(at);
  } else out += authority;
  const rest = url.slice(authorityEnd);
  const query = rest.indexOf("?");
  if (query < 0) return out + rest;
  const hash = rest.indexOf("#", query);
  const queryEnd = hash < 0 ? rest.length : hash;
  const params = rest.slice(query + 1, queryEnd).split("&").map((param) => {
    if (param === "") return param;
    const eq = param.indexOf("=");
    return eq < 0 ? MASK : `${param.slice(0, eq)}=${MASK}`;
  });
  return out + rest.slice(0, query + 1) + params.join("&") + rest.slice(queryEnd);
}

function firstOf(text: string, chars: string, from: number): number {
  for (let i = from; i < text.length; i++) if (chars.includes(text[i])) return i;
  return text.length;
}
