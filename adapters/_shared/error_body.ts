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
 * import assert from "node:assert/strict";
 * import { errorBody } from "./error_body.ts";
 *
 * assert.deepEqual(errorBody('{"message":"Not Found"}'), { message: "Not Found" });
 * assert.equal(errorBody("Bad gateway\n"), "Bad gateway");
 * assert.equal(errorBody("x".repeat(500)).length, 300);
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

/**
 * The explanation in a `{ message, errors }` error body, GitHub's shape, which Gitea copies:
 * `message`, then the `errors` entries (strings, or objects with a `message` or a
 * `resource`/`field`/`code`) joined by `; `, cut to 1,000 characters; a body that is not a JSON
 * object is its text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageWithDetails } from "./error_body.ts";
 *
 * const body = JSON.stringify({
 *   message: "Validation Failed",
 *   errors: [{ resource: "Issue", field: "title", code: "missing_field" }, "no labels"],
 * });
 * const message = messageWithDetails(body);
 * assert.equal(message, "Validation Failed: Issue.title missing_field; no labels");
 * assert.equal(messageWithDetails("Bad gateway"), "Bad gateway");
 * ```
 */
export function messageWithDetails(body: string): string {
  const parsed = errorBody(body);
  if (typeof parsed === "string") return parsed;
  const { message, errors } = parsed;
  const details = Array.isArray(errors) ? errors.map(detailText).filter(Boolean) : [];
  const head = typeof message === "string" ? message : "";
  return [head, details.join("; ")].filter(Boolean).join(": ").slice(0, 1_000);
}

function detailText(e: unknown): string {
  if (typeof e !== "object" || e === null) return String(e);
  const { message, resource, field, code } = e as Record<string, unknown>;
  if (typeof message === "string") return message;
  return [resource, field].filter(Boolean).join(".") + (code ? ` ${code}` : "");
}
