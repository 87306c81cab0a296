import assert from "node:assert/strict";
import { repoSegments } from "./repo_path.ts";
import { PlatformError } from "../../src/platform/mod.ts";

Deno.test("repoSegments: two parts, each encoded for a path", () => {
  assert.deepEqual(repoSegments("octo/my app", "a GitHub owner/name"), ["octo", "my%20app"]);
  assert.deepEqual(repoSegments("Web/app#1", "a project/repository"), ["Web", "app%231"]);
});

Deno.test("repoSegments: anything but two non-empty parts is a permanent error naming the form", () => {
  for (const name of ["octo", "octo/", "/app", "a/b/c", ""]) {
    assert.throws(
      () => repoSegments(name, "a Gitea owner/name"),
      (e) =>
        e instanceof PlatformError && !e.retryable &&
        e.message === `"${name}" is not a Gitea owner/name`,
    );
  }
});
