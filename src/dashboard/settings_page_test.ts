import assert from "node:assert/strict";
import { answer, startFakeLlm } from "../../tests/fakes/llm/server.ts";
import { DASHBOARD_VIEWER_TOKEN, dashboardWorld } from "../../tests/support/dashboard.ts";
import type { ServerView } from "./server_view.ts";

const KEY = "sk-dashboard-test-key-0123456789";

function view(baseUrl: string): ServerView {
  return {
    platforms: [
      { id: "github", enabled: true, reason: null },
      { id: "gitlab", enabled: false, reason: "LOOM_GITLAB_TOKEN is not set" },
    ],
    endpoints: [{
      name: "LOOM_LLM_BASE_URL",
      shownUrl: baseUrl,
      baseUrl,
      model: "fake-model",
      apiKey: KEY,
      keyFrom: "LOOM_LLM_API_KEY",
    }],
    policy: { allowedKeyEnvs: [] },
    maxResponseBytes: 100_000,
  };
}

Deno.test("settings page: each platform enabled or disabled and why; each endpoint without its key", async () => {
  await using w = await dashboardWorld({ dashboard: { server: view("http://127.0.0.1:9/v1") } });
  const html = await (await w.get("/settings", await w.signIn())).text();
  assert.match(html, /<td>github<\/td><td><span class="status status-succeeded">enabled/);
  assert.match(html, /<td>gitlab<\/td>.*disabled.*LOOM_GITLAB_TOKEN is not set/);
  assert.match(html, /LOOM_LLM_API_KEY/);
  assert.doesNotMatch(html, new RegExp(KEY), "the key is never on the page");
});

Deno.test("settings page: test connection sends one tiny chat request and shows the answer and latency", async () => {
  const llm = await startFakeLlm();
  try {
    llm.script(answer.text("ok"));
    await using w = await dashboardWorld({ dashboard: { server: view(llm.url) } });
    const res = await w.post("/settings", { endpoint: "0" }, await w.signIn());
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /id="test-0" class="notice">Answered in \d+ ms: <code>ok<\/code>/);
    const [chat] = llm.chats();
    assert.equal(llm.chats().length, 1);
    assert.equal(chat.body.model, "fake-model");
    assert.equal(chat.headers.authorization, `Bearer ${KEY}`);
  } finally {
    await llm.close();
  }
});

Deno.test("settings page: a failed test connection shows the error with the key an endpoint echoed redacted", async () => {
  const llm = await startFakeLlm();
  try {
    llm.script(answer.error(401, `Incorrect API key provided: ${KEY}`));
    await using w = await dashboardWorld({ dashboard: { server: view(llm.url) } });
    const html = await (await w.post("/settings", { endpoint: "0" }, await w.signIn())).text();
    assert.match(html, /id="test-0" class="error">Failed in/);
    assert.doesNotMatch(html, new RegExp(KEY));
  } finally {
    await llm.close();
  }
});

Deno.test("settings page: a viewer sees the button disabled and cannot test a connection", async () => {
  const llm = await startFakeLlm();
  try {
    await using w = await dashboardWorld({ dashboard: { server: view(llm.url) } });
    const viewer = await w.signIn(DASHBOARD_VIEWER_TOKEN);
    const html = await (await w.get("/settings", viewer)).text();
    assert.match(
      html,
      /<button type="submit" disabled="">Test connection<\/button>|<button type="submit" disabled>Test connection/,
    );
    const res = await w.post("/settings", { endpoint: "0" }, viewer);
    assert.equal(res.status, 403);
    await res.body?.cancel();
    assert.equal(llm.chats().length, 0, "no request reached the model");
  } finally {
    await llm.close();
  }
});
