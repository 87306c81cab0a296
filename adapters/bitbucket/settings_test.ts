import assert from "node:assert/strict";
import { buildFromEnv, settingsOf } from "../../tests/support/settings.ts";
import { startFakeBitbucket } from "../../tests/fakes/bitbucket/server.ts";
import { bitbucketPlatform } from "./settings.ts";
import { PLATFORM_SETTINGS, platformsFromSettings } from "../mod.ts";

const SECRET = "bitbucket-webhook-secret";

Deno.test("Bitbucket is disabled without a webhook secret, saying which setting enables it", () => {
  assert.equal(
    buildFromEnv(bitbucketPlatform, { LOOM_BITBUCKET_TOKEN: "t" }),
    "set LOOM_BITBUCKET_WEBHOOK_SECRET to enable it",
  );
  assert.equal(
    platformsFromSettings(settingsOf({}, PLATFORM_SETTINGS)).disabled.bitbucket,
    "set LOOM_BITBUCKET_WEBHOOK_SECRET to enable it",
  );
});

Deno.test("half-configured credentials fail clearly, naming settings and never their values", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /cannot call Bitbucket: set LOOM_BITBUCKET_TOKEN .*app passwords are not supported/],
    [{ LOOM_BITBUCKET_EMAIL: "me@example.com" }, /LOOM_BITBUCKET_API_TOKEN is not/],
    [{ LOOM_BITBUCKET_API_TOKEN: "api-token-value" }, /LOOM_BITBUCKET_EMAIL is not/],
    [
      {
        LOOM_BITBUCKET_TOKEN: "access-token-value",
        LOOM_BITBUCKET_EMAIL: "me@example.com",
        LOOM_BITBUCKET_API_TOKEN: "api-token-value",
      },
      /both LOOM_BITBUCKET_TOKEN and LOOM_BITBUCKET_API_TOKEN/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => buildFromEnv(bitbucketPlatform, { LOOM_BITBUCKET_WEBHOOK_SECRET: SECRET, ...env }),
      (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, message);
        assert.doesNotMatch(
          e.message,
          /access-token-value|api-token-value|me@example|bitbucket-webhook/,
        );
        return true;
      },
    );
  }
});

Deno.test("the built adapter calls the configured API URL with the configured credentials", async () => {
  for (
    const [env, expected] of [
      [{ LOOM_BITBUCKET_TOKEN: "tok" }, "Bearer tok"],
      [
        { LOOM_BITBUCKET_EMAIL: "me@example.com", LOOM_BITBUCKET_API_TOKEN: "api" },
        `Basic ${btoa("me@example.com:api")}`,
      ],
    ] as const
  ) {
    await using bitbucket = await startFakeBitbucket();
    bitbucket.addPullRequest({ repo: "ws/app", number: 3 });
    const adapter = buildFromEnv(bitbucketPlatform, {
      LOOM_BITBUCKET_WEBHOOK_SECRET: SECRET,
      LOOM_BITBUCKET_API_URL: bitbucket.url,
      ...env,
    });
    assert.ok(typeof adapter !== "string");
    assert.equal(adapter.platform, "bitbucket");
    assert.equal(
      (await adapter.getPullRequest({ platform: "bitbucket", fullName: "ws/app" }, 3)).number,
      3,
    );
    assert.equal(bitbucket.requests[0].headers.authorization, expected);
  }
});
