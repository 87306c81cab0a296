import assert from "node:assert/strict";
import { groupSettings } from "../../src/settings/mod.ts";
import { buildFromEnv, settingsOf } from "../../tests/support/settings.ts";
import { startFakeGitlab } from "../../tests/fakes/gitlab/server.ts";
import { gitlabPlatform } from "./settings.ts";
import { PLATFORM_SETTINGS, platformsFromSettings } from "../mod.ts";

const SECRET = "gitlab-webhook-secret";
const TOKEN = "glpat-never-shown-0123456789";

Deno.test("GitLab is disabled without a webhook secret, saying which variable enables it", () => {
  assert.equal(
    buildFromEnv(gitlabPlatform, { LOOM_GITLAB_TOKEN: TOKEN }),
    "set LOOM_GITLAB_WEBHOOK_SECRET to enable it",
  );
  assert.match(
    platformsFromSettings(settingsOf({}, PLATFORM_SETTINGS)).disabled.gitlab,
    /LOOM_GITLAB_WEBHOOK_SECRET/,
  );
});

Deno.test("a secret without a token is a start-up error that shows neither", () => {
  const env = { LOOM_GITLAB_WEBHOOK_SECRET: SECRET };
  assert.throws(() => buildFromEnv(gitlabPlatform, env), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /set LOOM_GITLAB_TOKEN \(a token with the api scope\)/);
    assert.ok(!e.message.includes(SECRET));
    return true;
  });
});

Deno.test("fully configured, the adapter calls the instance, gitlab.com by default", async () => {
  const platforms = platformsFromSettings(settingsOf({
    env: { LOOM_GITLAB_WEBHOOK_SECRET: SECRET, LOOM_GITLAB_TOKEN: TOKEN },
  }, PLATFORM_SETTINGS));
  assert.equal(platforms.adapters.gitlab?.platform, "gitlab");
  assert.equal(platforms.disabled.gitlab, undefined);
  assert.equal(
    groupSettings(settingsOf({}, PLATFORM_SETTINGS), gitlabPlatform.settings).url,
    "https://gitlab.com",
  );

  // A URL given with the API suffix, as people copy it from GitLab's docs, works too.
  await using gitlab = await startFakeGitlab({ token: TOKEN });
  gitlab.addMergeRequest({ project: "group/app", iid: 3, headSha: "f".repeat(40) });
  for (const url of [gitlab.url, `${gitlab.url}/`, `${gitlab.url}/api/v4`]) {
    const adapter = buildFromEnv(gitlabPlatform, {
      LOOM_GITLAB_URL: url,
      LOOM_GITLAB_WEBHOOK_SECRET: SECRET,
      LOOM_GITLAB_TOKEN: TOKEN,
    });
    assert.ok(typeof adapter !== "string");
    const pr = await adapter.getPullRequest({ platform: "gitlab", fullName: "group/app" }, 3);
    assert.equal(pr.headSha, "f".repeat(40));
  }
  assert.ok(gitlab.requests.every((r) => r.path === "/projects/group%2Fapp/merge_requests/3"));
});
