/**
 * HTTP Basic authentication (RFC 7617), as the APIs that take a user and a token send it.
 * @module
 */

/**
 * The `Authorization` value for `user` and `password`: `Basic ` and the base64 of their UTF-8
 * bytes joined by a colon. `btoa` alone would throw on a character outside Latin-1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { basicAuthorization } from "./basic_auth.ts";
 *
 * // Azure DevOps: an empty user and the personal access token.
 * assert.equal(basicAuthorization("", "s3cret"), "Basic OnMzY3JldA==");
 * // Outside Latin-1, where `btoa` alone would throw.
 * assert.equal(basicAuthorization("zoë", "pw"), "Basic em/Dqzpwdw==");
 * ```
 */
export function basicAuthorization(user: string, password: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(`${user}:${password}`)) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}
