import assert from "node:assert/strict";
import { problemsOf, settingsOf } from "../../tests/support/settings.ts";

Deno.test("integers from flags and variables are parsed strictly", () => {
  for (const bad of ["80x", "", "8.5", " 8080", "0x1F", "1e3", "-1", "65536"]) {
    const problems = problemsOf({ env: { LOOM_PORT: bad } });
    assert.deepEqual(problems, [{
      name: "LOOM_PORT",
      value: bad,
      message: "must be an integer between 0 and 65535",
    }], `LOOM_PORT=${JSON.stringify(bad)}`);
  }
  assert.equal(settingsOf({ env: { LOOM_PORT: "0" } }).port, 0);
  assert.equal(settingsOf({ flags: { port: "65535" } }).port, 65535);
});

Deno.test("database URLs: files, memory and PostgreSQL are accepted, others are not", () => {
  for (
    const good of ["file:./loom.db", "file:/data/loom.db", ":memory:", "postgres://u@h:5432/db"]
  ) {
    assert.equal(settingsOf({ flags: { db: good } }).dbUrl, good);
  }
  assert.equal(
    settingsOf({ env: { LOOM_DB_URL: "postgresql://h/db" } }).dbUrl,
    "postgresql://h/db",
  );
  for (const bad of ["loom.db", "file:", "sqlite://x", "postgres:/x", "memory", ""]) {
    const [problem] = problemsOf({ flags: { db: bad } });
    assert.equal(
      problem.message,
      "must be file:PATH, :memory:, or a postgres:// or postgresql:// URL",
    );
  }
});

Deno.test("lists from variables are comma-separated, and each entry is checked", () => {
  const s = settingsOf({
    env: { LOOM_LLM_ALLOWED_KEY_ENVS: " A_KEY, B_KEY ,", LOOM_LLM_ALLOWED_BASE_URLS: "" },
  });
  assert.deepEqual(s.llm.allowedKeyEnvs, ["A_KEY", "B_KEY"]);
  assert.deepEqual(s.llm.allowedBaseUrls, []);

  const problems = problemsOf({
    env: {
      LOOM_LLM_ALLOWED_KEY_ENVS: "GOOD,not-a-name",
      LOOM_LLM_ALLOWED_BASE_URLS: "https://ok.example,file:///etc/passwd",
    },
  });
  assert.deepEqual(problems.map((p) => p.message), [
    'entry "not-a-name" is not an environment variable name',
    'entry "file:///etc/passwd" is not an http:// or https:// URL',
  ]);
});

Deno.test("YAML values must have the right type; quoted numbers are read like variables", () => {
  assert.equal(settingsOf({ files: { "loom.yaml": 'port: "9090"\n' } }).port, 9090);
  assert.deepEqual(problemsOf({ files: { "loom.yaml": "port: 80.5\nhost: 8080\n" } }), [
    { name: "loom.yaml: port", value: "80.5", message: "must be an integer between 0 and 65535" },
    { name: "loom.yaml: host", value: "8080", message: "must be a string" },
  ]);
});
