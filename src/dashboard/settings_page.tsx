/**
 * The Settings page: each platform enabled or disabled and why, and each model endpoint the
 * server may call with a "test connection" button: one tiny chat request through the same
 * `chatCall` reviews use, its answer and latency shown, errors redacted, within a bounded time.
 * Viewers see everything but the button does nothing for them (the routes refuse their POST).
 * @module
 */
import { chatCall, createQuirkMemory, type ModelSpec } from "../llm/mod.ts";
import { redact, scrubCredentials } from "../secrets/mod.ts";
import { formatDuration } from "./format.ts";
import { Layout } from "./layout.tsx";
import type { DashboardPage, PageContext } from "./page.ts";
import type { EndpointView } from "./server_view.ts";

/** A test connection waits at most this long for the endpoint. */
const TEST_TIMEOUT_S = 10;
/** Longest part of a test's answer shown. */
const MAX_ANSWER_CHARS = 300;

/** How a test connection went. */
export interface ConnectionTest {
  ok: boolean;
  /** The model's answer (cut), or the redacted error. */
  text: string;
  latencyMs: number;
}

/**
 * Sends one tiny chat request to `endpoint` (a few tokens out, no structured output) and says
 * how it went; never throws. The answer and any error are redacted of the endpoint's key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { testConnection } from "./settings_page.tsx";
 *
 * const refused = () => Promise.resolve(new Response('{"error":{"message":"bad key sk-abcdefgh12"}}', {
 *   status: 401, headers: { "content-type": "application/json" },
 * }));
 * const result = await testConnection(
 *   { name: "x", shownUrl: "http://model.test/v1", baseUrl: "http://model.test/v1", model: "m",
 *     apiKey: "sk-abcdefgh12", keyFrom: "LOOM_LLM_API_KEY" },
 *   { fetch: refused, maxResponseBytes: 10_000 },
 * );
 * assert.equal(result.ok, false);
 * assert.doesNotMatch(result.text, /sk-abcdefgh12/);
 * ```
 */
export async function testConnection(
  endpoint: EndpointView,
  deps: { fetch?: typeof fetch; maxResponseBytes: number; now?: () => number },
): Promise<ConnectionTest> {
  const now = deps.now ?? (() => performance.now());
  const spec: ModelSpec = {
    name: endpoint.name,
    baseUrl: endpoint.baseUrl,
    apiKey: endpoint.apiKey,
    model: endpoint.model,
    temperature: 0,
    maxTokens: 16,
    timeoutS: TEST_TIMEOUT_S,
    structuredOutput: "none",
  };
  const started = now();
  const clean = (text: string) =>
    scrubCredentials(redact(text, { apiKey: endpoint.apiKey, baseUrl: endpoint.baseUrl }));
  try {
    const answer = await chatCall({
      model: spec,
      messages: [{ role: "user", content: "Reply with the single word: ok" }],
      fetch: deps.fetch,
      maxResponseBytes: deps.maxResponseBytes,
      // A test must not teach the reviews' shared memory anything.
      quirks: createQuirkMemory(),
      signal: AbortSignal.timeout(TEST_TIMEOUT_S * 1000),
    });
    return {
      ok: true,
      text: clean(answer.content.slice(0, MAX_ANSWER_CHARS)) || "(an empty answer)",
      latencyMs: Math.round(now() - started),
    };
  } catch (error) {
    return {
      ok: false,
      text: clean(error instanceof Error ? error.message : String(error)).slice(0, 1000),
      latencyMs: Math.round(now() - started),
    };
  }
}

function SettingsView(props: {
  ctx: PageContext;
  tested?: { index: number; result: ConnectionTest };
}) {
  const { ctx, tested } = props;
  const server = ctx.deps.server;
  if (!server) return <p class="notice">This server did not hand its settings to the dashboard.</p>;
  const admin = ctx.session.role === "admin";
  return (
    <>
      <h2>Platforms</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Platform</th>
              <th>State</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {server.platforms.map((p) => (
              <tr>
                <td>{p.id}</td>
                <td>
                  <span class={p.enabled ? "status status-succeeded" : "status status-failed"}>
                    {p.enabled ? "enabled" : "disabled"}
                  </span>
                </td>
                <td>
                  {p.enabled ? "its settings are complete" : scrubCredentials(p.reason ?? "")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Model endpoints</h2>
      {!admin && <p class="muted">Testing a connection needs the admin sign-in.</p>}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Base URL</th>
              <th>Model</th>
              <th>Key</th>
              <th>Test</th>
            </tr>
          </thead>
          <tbody>
            {server.endpoints.map((e, index) => (
              <tr>
                <td>{e.name}</td>
                <td>
                  <code>{e.shownUrl}</code>
                </td>
                <td>{e.model}</td>
                <td>{e.keyFrom ?? <span class="muted">none</span>}</td>
                <td>
                  <form method="post" action="/settings" class="inline">
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <input type="hidden" name="endpoint" value={String(index)} />
                    <button type="submit" disabled={!admin}>Test connection</button>
                  </form>
                  {tested?.index === index && (
                    <div
                      id={`test-${index}`}
                      class={tested.result.ok ? "notice" : "error"}
                    >
                      {tested.result.ok ? "Answered" : "Failed"} in{" "}
                      {formatDuration(tested.result.latencyMs)}: <code>{tested.result.text}</code>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** `/settings`. */
export const settingsPage: DashboardPage = {
  path: "/settings",
  title: "Settings",
  nav: "settings",
  render(ctx) {
    return Promise.resolve(<SettingsView ctx={ctx} />);
  },
  async post(ctx) {
    const form = await ctx.c.req.parseBody();
    const index = Number(form.endpoint);
    const endpoint = ctx.deps.server?.endpoints[index];
    if (!Number.isInteger(index) || !endpoint) return ctx.c.text("no such endpoint", 400);
    const result = await testConnection(endpoint, {
      fetch: ctx.deps.fetch,
      maxResponseBytes: ctx.deps.server!.maxResponseBytes,
    });
    return ctx.c.html(
      <Layout title="Settings" nav="settings" user={{ role: ctx.session.role, csrf: ctx.csrf }}>
        <SettingsView ctx={ctx} tested={{ index, result }} />
      </Layout>,
    );
  },
};
