/**
 * What the adapters' unit tests share: the pull request they seed on their fake (its shas, refs
 * and diff), the clock and webhook secret they run on, inline comments on the diff, webhook
 * deliveries as the adapter receives them, and the {@link PlatformError} a failing call must
 * throw. One home, so that a test names only what its platform does differently.
 * @module
 */

import assert from "node:assert/strict";
import {
  type GitAdapter,
  type InlineComment,
  PlatformError,
  type PlatformEvent,
} from "../../src/platform/mod.ts";
import type { PullRequestSeed } from "../fakes/pull_request_seed.ts";

/** The adapter tests' clock: rate-limit resets and dates the fakes send are read against it. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
/** The seeded pull request's head commit. */
export const HEAD = "a".repeat(40);
/** The seeded pull request's base commit. */
export const BASE = "b".repeat(40);
/** The secret (or, on GitLab, the token) the tests' webhooks are signed with. */
export const WEBHOOK_SECRET = "webhook-secret";

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

/**
 * The pull request every adapter test seeds, in Loom's words: #7 from `fix-sql` into `main`, at
 * {@link HEAD} over {@link BASE}, showing {@link SAMPLE_DIFF}. Each setup hands it to its fake in
 * the fake's words; the contract reads it back as `SEEDED_PULL_REQUEST`.
 */
export const SEED = {
  number: 7,
  title: "Parameterise find",
  description: "Fixes the SQL.",
  headSha: HEAD,
  baseSha: BASE,
  headRef: "fix-sql",
  baseRef: "main",
  diff: SAMPLE_DIFF,
} as const;

/** {@link SEED} on `repo` by `author`, as the GitHub-style fakes (GitHub, Gitea) take it. */
export function githubStyleSeed(repo: string, author: string): PullRequestSeed {
  const { description, ...rest } = SEED;
  return { repo, ...rest, body: description, author };
}

/** The address of a fake that is gone: `start` one and close it. Calls to it fail to connect. */
export async function closedUrl(
  start: () => Promise<{ url: string; close(): Promise<void> }>,
): Promise<string> {
  const closed = await start();
  await closed.close();
  return closed.url;
}

/** A webhook delivery as a fake builds it: the platform's headers and the body's text. */
export interface Hook {
  headers: Record<string, string>;
  body: string;
}

/** `text` as the raw bytes a webhook route receives. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A webhook POST carrying `headers`, as the webhook route hands it to the adapter. */
export function hookRequest(headers: Record<string, string>): Request {
  return new Request("http://loom/webhooks", { method: "POST", headers });
}

/** Whether `adapter` trusts `hook`: its headers over `raw` (the hook's own body by default). */
export function verifyHook(
  adapter: GitAdapter,
  hook: Hook,
  raw: Uint8Array = bytes(hook.body),
): Promise<boolean> {
  return adapter.verifyWebhook(hookRequest(hook.headers), raw);
}

/** The event `adapter` reads from `hook`. */
export function parseHook(adapter: GitAdapter, hook: Hook): PlatformEvent {
  return adapter.parseEvent(hookRequest(hook.headers), bytes(hook.body));
}

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
