import assert from "node:assert/strict";
import { problemsOf, settingsOf } from "../../tests/support/settings.ts";

const TOKEN = "s3cret-admin-token-0123456789";

Deno.test("workers may be 0 (HTTP only) but not above 1000", () => {
  assert.equal(settingsOf({ flags: { workers: "0" } }).workers, 0);
  assert.equal(
    problemsOf({ flags: { workers: "1001" } })[0].message,
    "must be an integer between 0 and 1000",
  );
});

Deno.test("a short admin token is refused, explaining why, without echoing it", () => {
  const problems = problemsOf({ env: { LOOM_ADMIN_TOKEN: "short-token" } });
  assert.deepEqual(problems, [{
    name: "LOOM_ADMIN_TOKEN",
    value: "***",
    message: "must be at least 16 characters: it guards the admin API, so it must resist guessing",
  }]);
  assert.equal(settingsOf({ env: { LOOM_ADMIN_TOKEN: TOKEN } }).adminToken, TOKEN);
});
