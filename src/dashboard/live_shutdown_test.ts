import assert from "node:assert/strict";
import { PLATFORM_SETTINGS } from "../../adapters/mod.ts";
import { silentLogger } from "../log.ts";
import { startServer } from "../server.ts";
import { settingsOf } from "../../tests/support/settings.ts";
import { sessionCookie, signInOver } from "../../tests/support/dashboard.ts";

Deno.test("an open live page does not hold up the server's graceful stop", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loom-dash-stop-" });
  const token = "an-admin-token-for-this-test-1";
  const settings = settingsOf({
    env: {
      LOOM_DB_URL: `file:${dir}/loom.db`,
      LOOM_PORT: "0",
      LOOM_HOST: "127.0.0.1",
      LOOM_WORKERS: "0",
      LOOM_ADMIN_TOKEN: token,
    },
  }, PLATFORM_SETTINGS);
  const server = await startServer(settings, { log: silentLogger, env: {} });
  try {
    const request = (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init);
    const signedIn = await signInOver(request, token);
    await signedIn.body?.cancel();
    const cookie = sessionCookie(signedIn);
    const live = await fetch(`${server.url}/`, {
      headers: { cookie, accept: "text/event-stream" },
    });
    assert.equal(live.status, 200);
    const reader = live.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /event: fragment/);
    // Without the stop ending the stream, server.shutdown() would wait out its 5 minutes here.
    await server.stop(60_000);
    // And the stream has ended (the browser reconnects to another node, or retries).
    while (!(await reader.read()).done) { /* what was sent before the stop */ }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
