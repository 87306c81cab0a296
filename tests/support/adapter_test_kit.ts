/**
 * What the adapters' unit tests share: the pull request's diff they comment on, inline comments
 * on it, and the {@link PlatformError} a failing call must throw.
 * @module
 */

import assert from "node:assert/strict";
import { type InlineComment, PlatformError } from "../../src/platform/mod.ts";

/**
 * The diff of the pull request the adapter tests seed. New-side lines that can carry a comment:
 * src/db.ts 1-6 and 42-44, README.md 1-2.
 */
export const SAMPLE_DIFF = `diff --git a/src/db.ts b/src/db.ts
index 1111111..2222222 100644
--- a/src/db.ts
+++ b/src/db.ts
@@ -1,4 +1,6 @@
 import { sql } from "./sql.ts";
-export function find(id) {
-  return sql(\`select * from t where id = \${id}\`);
+
+export function find(id: string) {
+  const q = \`select * from t where id = \${id}\`;
+  return sql(q);
 }
@@ -40,2 +42,3 @@ export function close() {
   pool.end();
+  log("closed");
 }
diff --git a/README.md b/README.md
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/README.md
@@ -0,0 +1,2 @@
+# App
+Docs.
`;

/** An inline comment on `path`:`line`, its body naming its fingerprint. */
export function comment(
  path: string,
  line: number,
  fingerprint: string,
  extra: Partial<InlineComment> = {},
): InlineComment {
  return { path, line, fingerprint, body: `Finding ${fingerprint}`, ...extra };
}

/**
 * Inline comments that land on {@link SAMPLE_DIFF}: a range carrying `suggestion` (src/db.ts
 * 4-5), a range of one line (src/db.ts 43) and a line of another file (README.md 1).
 */
export function landingComments(suggestion: string): InlineComment[] {
  return [
    comment("src/db.ts", 5, "fp-range", { startLine: 4, body: suggestion }),
    comment("src/db.ts", 43, "fp-single", { startLine: 43 }),
    comment("README.md", 1, "fp-readme"),
  ];
}

/** A comment on a line {@link SAMPLE_DIFF} does not show: every platform refuses it. */
export const OUTSIDE_DIFF = comment("src/db.ts", 20, "fp-outside");

/** Comments that land around a refused one: a line of src/db.ts, and a range of README.md. */
export const AROUND_REFUSED = [
  comment("src/db.ts", 4, "fp-good"),
  comment("README.md", 2, "fp-also", { startLine: 1 }),
];

/** `count` inline comments, fingerprints `fp-0`…, spread over lines 1 to `lines` of `path`. */
export function manyComments(count: number, path: string, lines: number): InlineComment[] {
  return Array.from({ length: count }, (_, i) => comment(path, 1 + (i % lines), `fp-${i}`));
}

/** Awaits `promise` and returns the PlatformError it rejects with; fails if it does not. */
export async function platformError(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PlatformError, `not a PlatformError: ${error}`);
    return error;
  }
  assert.fail("expected a PlatformError");
}
