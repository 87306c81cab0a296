import assert from "node:assert/strict";
import { loadSettings, type Settings } from "../../src/settings.ts";
import { startFakeGitlab } from "../../tests/fakes/gitlab/server.ts";
import { gitlabFromSettings } from "./settings.ts";
import { platformsFromSettings } from "../mod.ts";

const SECRET = "gitlab-webhook-secret";
const TOKEN = "glpat-never-shown-0123456789";

function settings(env: Record<string, string>): Settings {
  const result = loadSettings({ flags: {}, env, readFile: () => null });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.settings;
}

const deps = { readFile: () => "" };

Deno.test("GitLab is disabled without a webhook secret, saying which variable enables it", () => {
  assert.equal(
    gitlabFromSettings(settings({ LOOM_GITLAB_TOKEN: TOKEN }), deps),
    "set LOOM_GITLAB_WEBHOOK_SECRET to enable it",
  );
  assert.match(platformsFromSettings(settings({})).disabled.gitlab, /LOOM_GITLAB_WEBHOOK_SECRET/);
});

Deno.test("a secret without a token is a start-up error that shows neither", () => {
  const s = settings({ LOOM_GITLAB_WEBHOOK_SECRET: SECRET });
  assert.throws(() => gitlabFromSettings(s, deps), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /set LOOM_GITLAB_TOKEN \(a token with the api scope\)/);
    assert.ok(!e.message.includes(SECRET));
    return true;
  });
});

Deno.test("fully configured, the adapter calls the instance, gitlab.com by default", async () => {
  const platforms = platformsFromSettings(settings({
    LOOM_GITLAB_WEBHOOK_SECRET: SECRET,
    LOOM_GITLAB_TOKEN: TOKEN,
  }));
  assert.equal(platforms.adapters.gitlab?.platform, "gitlab");
  assert.equal(platforms.disabled.gitlab, undefined);
  assert.equal(settings({}).gitlab.url, "https://gitlab.com");

  // A URL given with the API suffix, as people copy it from GitLab's docs, works too.
  await using gitlab = await startFakeGitlab({ token: TOKEN });
  gitlab.addMergeRequest({ project: "group/app", iid: 3, headSha: "f".repeat(40) });
  for (const url of [gitlab.url, `${gitlab.url}/`, `${gitlab.url}/api/v4`]) {
    const adapter = gitlabFromSettings(
      settings({
        LOOM_GITLAB_URL: url,
        LOOM_GITLAB_WEBHOOK_SECRET: SECRET,
        LOOM_GITLAB_TOKEN: TOKEN,
      }),
      deps,
    );
    assert.ok(typeof adapter !== "string");
    const pr = await adapter.getPullRequest({ platform: "gitlab", fullName: "group/app" }, 3);
    assert.equal(pr.headSha, "f".repeat(40));
  }
  assert.ok(gitlab.requests.every((r) => r.path === "/projects/group%2Fapp/merge_requests/3"));
});
