import assert from "node:assert/strict";
import { problemsOf, settingsOf } from "../../tests/support/settings.ts";

Deno.test("a flag beats the environment, which beats loom.yaml, which beats the default", () => {
  const files = { "loom.yaml": "port: 7000\nhost: 127.0.0.1\nworkers: 3\n" };
  const env = { LOOM_PORT: "7100", LOOM_HOST: "10.0.0.1" };
  const s = settingsOf({ flags: { port: "7200" }, env, files });
  assert.equal(s.port, 7200);
  assert.equal(s.host, "10.0.0.1");
  assert.equal(s.workers, 3);
  assert.equal(s.logLevel, "info");
});

Deno.test("a bad value is reported under the source that supplied it", () => {
  const files = { "loom.yaml": "port: 70000\n" };
  const fromFlag = problemsOf({ flags: { port: "x" }, env: { LOOM_PORT: "9000" }, files });
  assert.deepEqual(fromFlag.map((p) => p.name), ["--port"]);
  const fromEnv = problemsOf({ env: { LOOM_PORT: "abc" }, files });
  assert.deepEqual(fromEnv.map((p) => p.name), ["LOOM_PORT"]);
  const fromFile = problemsOf({ files });
  assert.deepEqual(fromFile, [
    { name: "loom.yaml: port", value: "70000", message: "must be an integer between 0 and 65535" },
  ]);
});

Deno.test("a value overridden by a higher source is not validated", () => {
  const s = settingsOf({ flags: { port: "9000" }, env: { LOOM_PORT: "not-a-port" } });
  assert.equal(s.port, 9000);
});

Deno.test("every problem is reported at once", () => {
  const problems = problemsOf({
    flags: { port: "abc", "log-level": "verbose" },
    env: { LOOM_WORKERS: "-2", LOOM_DB_URL: "mysql://db/loom" },
    files: { "loom.yaml": "llm:\n  base_url: ftp://models\n" },
  });
  assert.deepEqual(problems.map((p) => p.name).sort(), [
    "--log-level",
    "--port",
    "LOOM_DB_URL",
    "LOOM_WORKERS",
    "loom.yaml: llm.base_url",
  ]);
  const level = problems.find((p) => p.name === "--log-level");
  assert.equal(level?.message, "must be one of debug, info, warn, error");
});
