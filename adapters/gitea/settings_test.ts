import assert from "node:assert/strict";
import { buildFromEnv, settingsOf } from "../../tests/support/settings.ts";
import { giteaPlatform } from "./settings.ts";
import { PLATFORM_SETTINGS, platformsFromSettings } from "../mod.ts";

const SECRET = "gitea-webhook-secret";
const TOKEN = "gitea-token-never-shown-0123456789";

Deno.test("Gitea is disabled without a webhook secret, saying which variable enables it", () => {
  const built = buildFromEnv(giteaPlatform, { LOOM_GITEA_URL: "https://git.example.com" });
  assert.equal(built, "set LOOM_GITEA_WEBHOOK_SECRET to enable it");
  assert.match(
    platformsFromSettings(settingsOf({}, PLATFORM_SETTINGS)).disabled.gitea,
    /LOOM_GITEA_WEBHOOK_SECRET/,
  );
});

Deno.test("a secret without the URL or the token is a start-up error naming what is missing", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ LOOM_GITEA_TOKEN: TOKEN }, /set LOOM_GITEA_URL \(the instance/],
    [{ LOOM_GITEA_URL: "https://git.example.com" }, /set LOOM_GITEA_TOKEN \(an access token/],
    [{}, /set LOOM_GITEA_URL .* and LOOM_GITEA_TOKEN/],
  ];
  for (const [env, message] of cases) {
    const withSecret = { LOOM_GITEA_WEBHOOK_SECRET: SECRET, ...env };
    assert.throws(() => buildFromEnv(giteaPlatform, withSecret), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, message);
      assert.ok(!e.message.includes(SECRET) && !e.message.includes(TOKEN));
      return true;
    });
  }
});

Deno.test("fully configured, the gitea adapter is enabled", () => {
  const platforms = platformsFromSettings(settingsOf({
    env: {
      LOOM_GITEA_WEBHOOK_SECRET: SECRET,
      LOOM_GITEA_URL: "https://git.example.com",
      LOOM_GITEA_TOKEN: TOKEN,
    },
  }, PLATFORM_SETTINGS));
  assert.equal(platforms.adapters.gitea?.platform, "gitea");
  assert.equal(platforms.disabled.gitea, undefined);
});
