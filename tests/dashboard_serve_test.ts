/**
 * `loom serve` hands the dashboard what its Settings page shows: each platform and why it is
 * off, and the server's model endpoint, whose "test connection" reaches the real model server
 * with the server's key — over HTTP, as a browser would.
 */
import assert from "node:assert/strict";
import { PLATFORM_SETTINGS } from "../adapters/mod.ts";
import { silentLogger } from "../src/log.ts";
import { startServer } from "../src/server.ts";
import { answer, startFakeLlm } from "./fakes/llm/server.ts";
import { csrfOf, sessionCookie, signInOver } from "./support/dashboard.ts";
import { settingsOf } from "./support/settings.ts";

const ADMIN = "serve-dashboard-admin-token-0123";
const KEY = "sk-serve-dashboard-key-0123456789";

Deno.test("loom serve: the Settings page lists the platforms and tests the server's model endpoint", async () => {
  const llm = await startFakeLlm();
  const dir = await Deno.makeTempDir({ prefix: "loom-serve-dashboard-" });
  const settings = settingsOf({
    env: {
      LOOM_DB_URL: `file:${dir}/loom.db`,
      LOOM_PORT: "0",
      LOOM_HOST: "127.0.0.1",
      LOOM_ADMIN_TOKEN: ADMIN,
      LOOM_LLM_BASE_URL: llm.url,
      LOOM_LLM_API_KEY: KEY,
      LOOM_LLM_MODEL: "fake-model",
    },
  }, PLATFORM_SETTINGS);
  const server = await startServer(settings, { log: silentLogger, env: {} });
  try {
    const request = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
    const cookie = sessionCookie(await signInOver(request, ADMIN));
    const page = await (await request("/settings", { headers: { cookie } })).text();
    assert.match(page, /<td>github<\/td><td><span class="status status-failed">disabled/);
    assert.match(page, /<code>http:\/\/127\.0\.0\.1:\d+\/v1<\/code><\/td><td>fake-model<\/td>/);
    assert.doesNotMatch(page, new RegExp(KEY));

    llm.script(answer.text("ok"));
    const tested = await request("/settings", {
      method: "POST",
      headers: { cookie, origin: server.url },
      body: new URLSearchParams({ _csrf: csrfOf(page), endpoint: "0" }),
    });
    assert.equal(tested.status, 200);
    assert.match(await tested.text(), /Answered in \d+ ms: <code>ok<\/code>/);
    assert.equal(llm.chats()[0].headers.authorization, `Bearer ${KEY}`);
  } finally {
    await server.stop(1000);
    await llm.close();
    await Deno.remove(dir, { recursive: true });
  }
});
