/**
 * What Loom records of an inline comment the platform took, whatever its platform.
 * @module
 */

import type { InlineComment, PostedComment } from "../../src/platform/mod.ts";

/**
 * What Loom records of inline comment `sent` once the platform took it: the id the platform gave
 * it, and where the platform says it sits (`at`), else where it was sent. The body is Loom's own,
 * without the platform's marker.
 */
export function landedInline(
  sent: InlineComment,
  id: string | number,
  at: { path?: string | null; line?: number | null } = {},
): PostedComment & { fingerprint: string } {
  return {
    id: String(id),
    kind: "inline",
    body: sent.body,
    fingerprint: sent.fingerprint,
    path: at.path ?? sent.path,
    line: at.line ?? sent.line,
  };
}
