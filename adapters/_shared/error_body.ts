/**
 * Reading the body of a platform's error answer, before picking out the platform's own message.
 * @module
 */

/**
 * `body` as a JSON object to pick the platform's explanation from, or, when it is not a JSON
 * object, its text cut to 300 characters: a proxy's page or a plain `Retry later` is still worth
 * showing, but not at any length.
 *
 * @example
 * ```ts
 * errorBody('{"message":"Not Found"}'); // { message: "Not Found" }
 * errorBody("Bad gateway\n"); // "Bad gateway"
 * ```
 */
export function errorBody(body: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 300);
  }
  if (typeof parsed !== "object" || parsed === null) return String(parsed).slice(0, 300);
  return parsed as Record<string, unknown>;
}
