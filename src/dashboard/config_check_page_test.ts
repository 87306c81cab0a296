import assert from "node:assert/strict";
import { DASHBOARD_VIEWER_TOKEN, dashboardWorld } from "../../tests/support/dashboard.ts";

const policy = {
  allowedKeyEnvs: [],
  allowedBaseUrls: ["http://localhost:11434"],
  serverBaseUrl: "https://api.openai.com/v1",
};
const server = {
  platforms: [],
  endpoints: [],
  policy,
  maxResponseBytes: 100_000,
};

Deno.test("config check: a pasted config's errors are shown at line:col", async () => {
  await using w = await dashboardWorld({ dashboard: { server } });
  const user = await w.signIn();
  const config = [
    "models:",
    "  default: {base_url: http://localhost:11434/v1, model: m}",
    "pipelines:",
    "  - {name: style, prompt_file: builtin:quality, severity: loud}",
    "",
  ].join("\n");
  const res = await w.post("/config-check", { config }, user);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<code>\.loom\/config\.yaml:4:\d+: [^<]*severity/);
  assert.match(html, /name="config"[^>]*>models:/, "the pasted text stays in the form");
});

Deno.test("config check: a valid config says so; repository prompt files are listed as not checked", async () => {
  await using w = await dashboardWorld({ dashboard: { server } });
  const config = "models:\n  default: {base_url: http://localhost:11434/v1, model: m}\n" +
    "pipelines:\n  - {name: mine, prompt_file: .loom/prompts/mine.md}\n" +
    "  - {name: q, prompt_file: builtin:quality}\n";
  const html = await (await w.post("/config-check", { config }, await w.signIn())).text();
  assert.match(html, /No problems found\./);
  assert.match(
    html,
    /Not checked here \(prompt files of the repository\): \.loom\/prompts\/mine\.md/,
  );
});

Deno.test("config check: a config over the size cap is refused unchecked", async () => {
  await using w = await dashboardWorld({ dashboard: { server } });
  const user = await w.signIn();
  const res = await w.post("/config-check", { config: "a".repeat(65_537) }, user);
  assert.equal(res.status, 413);
  assert.match(await res.text(), /The config is 65537 characters; at most 65536 are checked/);
  // A body far past it is refused before it is read.
  const huge = await w.post("/config-check", { config: "a".repeat(1_000_000) }, user);
  assert.equal(huge.status, 413);
  await huge.body?.cancel();
});

Deno.test("config check: a pasted <script> in the config is echoed as text (reflected XSS)", async () => {
  await using w = await dashboardWorld({ dashboard: { server } });
  const config = "pipelines: </textarea><script>alert(1)</script>\n";
  const html = await (await w.post("/config-check", { config }, await w.signIn())).text();
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /<\/textarea><script>/);
});

Deno.test("config check: a read-only sign-in may check a config, since checking changes nothing", async () => {
  await using w = await dashboardWorld({ dashboard: { server } });
  const viewer = await w.signIn(DASHBOARD_VIEWER_TOKEN);
  const config =
    "models:\n  default: {base_url: http://localhost:11434/v1, model: m, colour: red}\n";
  const res = await w.post("/config-check", { config }, viewer);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<code>\.loom\/config\.yaml:2:\d+: [^<]*colour/);
  // Every other button stays the admin's.
  const retry = await w.post("/jobs", { id: "1", action: "retry" }, viewer);
  assert.equal(retry.status, 403);
});
