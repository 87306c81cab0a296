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
 * basicAuthorization("", pat); // Azure DevOps: an empty user and the token
 * ```
 */
export function basicAuthorization(user: string, password: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(`${user}:${password}`)) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}
