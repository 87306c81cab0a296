/**
 * Header-only checks come before the body: a delivery with a wrong GitLab token or Azure DevOps
 * password is refused without Loom reading (or buffering up to LOOM_MAX_BODY_BYTES of) its body.
 */
import assert from "node:assert/strict";
import { createAzureDevopsAdapter } from "../adapters/azure_devops/adapter.ts";
import { basicAuthorization } from "../adapters/_shared/mod.ts";
import { createGitlabAdapter } from "../adapters/gitlab/adapter.ts";
import type { GitAdapter } from "../src/platform/mod.ts";
import { webhookRoutes } from "../src/http/webhooks.ts";
import { createStoreOutage } from "../src/http/store_outage.ts";
import { silentLogger } from "../src/log.ts";

/** A body that would take 25 MiB to read, recording how much of it was pulled. */
function watchedBody() {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.length;
      if (pulled > 25 * 1024 * 1024) controller.close();
      else controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => pulled };
}

function routes(platform: string, adapter: GitAdapter) {
  let intakes = 0;
  const app = webhookRoutes({
    intake: () => {
      intakes++;
      return Promise.resolve({ status: 200, body: { ignored: "test" } });
    },
    platforms: [platform],
    adapters: { [platform]: adapter },
    disabled: {},
    maxBodyBytes: 25 * 1024 * 1024,
  }, createStoreOutage(silentLogger));
  return { app, intakes: () => intakes };
}

async function refusedUnread(platform: string, adapter: GitAdapter, headers: HeadersInit) {
  const { app, intakes } = routes(platform, adapter);
  const watched = watchedBody();
  const res = await app.request(`/${platform}`, { method: "POST", headers, body: watched.body });
  assert.equal(res.status, 401);
  assert.equal(watched.pulled(), 0, "the body was read before the header check");
  assert.equal(intakes(), 0);
}

const gitlab = createGitlabAdapter({
  url: "http://127.0.0.1:9",
  webhookSecret: "right-token",
  token: "glpat-x",
});
const azure = createAzureDevopsAdapter({
  url: "http://127.0.0.1:9/org",
  token: "pat",
  webhookUsername: "loom",
  webhookPassword: "right-password",
});

Deno.test("body before auth: a wrong or missing X-Gitlab-Token is answered 401 without the body being read", async () => {
  const event = { "x-gitlab-event": "Merge Request Hook", "content-type": "application/json" };
  await refusedUnread("gitlab", gitlab, { ...event, "x-gitlab-token": "wrong-token" });
  await refusedUnread("gitlab", gitlab, event);
});

Deno.test("body before auth: a wrong or missing Azure DevOps Basic password is answered 401 without the body being read", async () => {
  const json = { "content-type": "application/json" };
  await refusedUnread("azure-devops", azure, {
    ...json,
    authorization: basicAuthorization("loom", "wrong-password"),
  });
  await refusedUnread("azure-devops", azure, json);
});

Deno.test("body before auth: the right token still gets its body read and parsed", async () => {
  const { app, intakes } = routes("gitlab", gitlab);
  const res = await app.request("/gitlab", {
    method: "POST",
    headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": "right-token" },
    body: JSON.stringify({ object_kind: "push" }),
  });
  assert.equal(res.status, 200);
  assert.equal(intakes(), 1);
});
