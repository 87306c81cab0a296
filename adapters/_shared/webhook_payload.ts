/**
 * Reading a webhook delivery's body into the fields Loom needs, with errors that say which
 * field is off, so that whoever configured the hook can tell what the platform sent.
 * @module
 */

import { z } from "zod";
import { WebhookPayloadError } from "../../src/platform/mod.ts";

/** The body as JSON; throws {@link WebhookPayloadError} when it is not valid JSON. */
export function readPayload(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    throw new WebhookPayloadError("the body is not valid JSON");
  }
}

/**
 * `body` checked against `schema`; throws {@link WebhookPayloadError} naming `what` (the event)
 * and the first field that is missing or of the wrong type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { checkPayload } from "./webhook_payload.ts";
 *
 * const schema = z.object({ number: z.number() });
 * assert.deepEqual(checkPayload(schema, { number: 7 }, "pull_request"), { number: 7 });
 * assert.throws(() => checkPayload(schema, {}, "pull_request"), {
 *   name: "WebhookPayloadError",
 *   message: "pull_request payload: number is missing",
 * });
 * ```
 */
export function checkPayload<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join(".") || "the body";
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  throw new WebhookPayloadError(
    missing
      ? `${what} payload: ${field} is missing`
      : `${what} payload: ${field}: ${issue.message}`,
  );
}

/** Characters no platform allows in a repository's name and that would change an API path. */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const PATH_TRICKS = /[\\%?\u0000-\u001f\u007f]/;

/**
 * Whether `path` (`owner/name`, a GitLab `group/sub/project`, or one part of a name) is safe to
 * put in an API path: no empty, `.` or `..` segment, no backslash, `%`, `?` or control
 * character. A payload is signed by the platform, but a name is only as trustworthy as the code
 * that parsed it: refusing these keeps `octo/..%2F..%2Fadmin` from ever becoming a URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRepoPath } from "./webhook_payload.ts";
 *
 * assert.ok(isRepoPath("acme/platform/app"));
 * assert.ok(isRepoPath("Fabrikam Web"));
 * assert.ok(!isRepoPath("octo/.."));
 * assert.ok(!isRepoPath("octo/app%2F..%2Fadmin"));
 * assert.ok(!isRepoPath("octo//app"));
 * ```
 */
export function isRepoPath(path: string): boolean {
  if (PATH_TRICKS.test(path)) return false;
  return path.split("/").every((segment) =>
    segment.trim() !== "" && segment !== "." && segment !== ".."
  );
}

/**
 * A repository name, or one part of it, in a payload schema: refused (a
 * {@link WebhookPayloadError} through {@link checkPayload}) unless {@link isRepoPath}.
 */
export const repoName: z.ZodType<string, string> = z.string().min(1).refine(isRepoPath, {
  message: "not a repository name: it has an empty, . or .. segment, or a \\ % ? or " +
    "control character",
});
