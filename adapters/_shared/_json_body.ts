/**
 * Reading a platform's JSON answer into the shape Loom relies on.
 * @module
 */

import type { z } from "zod";
import { PlatformError } from "../../src/platform/mod.ts";

/**
 * `text` parsed as JSON and checked against `schema`. A body that is not JSON, or lacks what
 * the schema needs, is a permanent {@link PlatformError} naming the platform, the call, the
 * status and the first field that is off: the API changed or is not the one Loom was pointed
 * at, and retrying would not help.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { parseJsonBody } from "./_json_body.ts";
 *
 * const noteSchema = z.object({ id: z.number() });
 * const note = parseJsonBody("GitLab", '{"id":5}', noteSchema, "POST …/notes", 201);
 * assert.deepEqual(note, { id: 5 });
 * assert.throws(() => parseJsonBody("GitLab", "<html>", noteSchema, "POST …/notes", 201), {
 *   name: "PlatformError",
 *   message: "GitLab POST …/notes answered 201 with a body that is not JSON",
 * });
 * ```
 */
export function parseJsonBody<T>(
  platform: string,
  text: string,
  schema: z.ZodType<T>,
  what: string,
  status: number,
): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PlatformError(`${platform} ${what} answered ${status} with a body that is not JSON`, {
      status,
      retryable: false,
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join(".") : "the body";
  throw new PlatformError(
    `${platform} ${what} answered ${status} with an unexpected body: ${where}: ${issue.message}`,
    { status, retryable: false },
  );
}
