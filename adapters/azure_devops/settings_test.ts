import assert from "node:assert/strict";
import { buildFromEnv } from "../../tests/support/settings.ts";
import { startFakeAzureDevops } from "../../tests/fakes/azure_devops/server.ts";
import { azureDevopsPlatform } from "./settings.ts";

const PASSWORD = "hook-password-0123";
const TOKEN = "pat-never-in-messages";

Deno.test("Azure DevOps is disabled, saying how to enable it, without the hook's credentials", () => {
  const why = buildFromEnv(azureDevopsPlatform, { LOOM_AZURE_DEVOPS_TOKEN: TOKEN });
  assert.equal(
    why,
    "set LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME and LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD to enable it",
  );
});

Deno.test("half a configuration is a start-up error naming what is missing, never a secret", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: PASSWORD },
      /WEBHOOK_PASSWORD is set but not LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME/,
    ],
    [
      { LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: "loom" },
      /WEBHOOK_USERNAME is set but not LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD/,
    ],
    [
      { LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: "loom", LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: PASSWORD },
      /cannot call Azure DevOps: set LOOM_AZURE_DEVOPS_URL \(https:\/\/dev\.azure\.com\/ORG\) and LOOM_AZURE_DEVOPS_TOKEN/,
    ],
    [
      {
        LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: "loom",
        LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: PASSWORD,
        LOOM_AZURE_DEVOPS_URL: "https://dev.azure.com/fabrikam",
      },
      /set LOOM_AZURE_DEVOPS_TOKEN \(a personal access token\)$/,
    ],
    [
      {
        LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: "loom",
        LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: PASSWORD,
        LOOM_AZURE_DEVOPS_TOKEN: TOKEN,
      },
      /set LOOM_AZURE_DEVOPS_URL \(https:\/\/dev\.azure\.com\/ORG\)$/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => buildFromEnv(azureDevopsPlatform, env), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, message);
      assert.ok(!e.message.includes(PASSWORD) && !e.message.includes(TOKEN));
      return true;
    });
  }
});

Deno.test("fully configured, the adapter calls the organization URL with the token", async () => {
  await using azure = await startFakeAzureDevops({ token: TOKEN });
  azure.addCommit("Web/app", "a".repeat(40), { "a.txt": "a\n" });
  azure.addCommit("Web/app", "b".repeat(40), { "a.txt": "b\n" });
  azure.addPullRequest({
    repo: "Web/app",
    number: 3,
    sourceCommit: "b".repeat(40),
    targetCommit: "a".repeat(40),
  });
  const adapter = buildFromEnv(azureDevopsPlatform, {
    LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: "loom",
    LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: PASSWORD,
    LOOM_AZURE_DEVOPS_TOKEN: TOKEN,
    LOOM_AZURE_DEVOPS_URL: azure.url + "/",
  });
  assert.ok(typeof adapter !== "string");
  assert.equal(adapter.platform, "azure-devops");
  const pr = await adapter.getPullRequest({ platform: "azure-devops", fullName: "Web/app" }, 3);
  assert.equal(pr.headSha, "b".repeat(40));
  assert.equal(azure.requests[0].path, "/Web/_apis/git/repositories/app/pullrequests/3");
});
