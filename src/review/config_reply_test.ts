import assert from "node:assert/strict";
import type { ConfigValue } from "../repo_config/mod.ts";
import { type ConfigReplyInput, renderConfigReply } from "./config_reply.ts";

const base: ConfigReplyInput = {
  file: ".loom/config.yaml",
  baseRef: "main",
  found: true,
  errors: [],
  values: [],
  notes: [],
  secrets: [],
  maxChars: 60_000,
};
const values = (n: number): ConfigValue[] =>
  Array.from({ length: n }, (_, i) => ({
    path: `pipelines[${i}].include`,
    value: ["src/**/*.ts".repeat(10)],
    source: "file",
  }));

Deno.test("a reply over the platform's limit shortens the values, saying how many were left out", () => {
  const reply = renderConfigReply({ ...base, values: values(500), maxChars: 4_000 });
  assert.ok(reply.length <= 4_000, String(reply.length));
  const left = /…and (\d+) more values, left out to fit this comment\./.exec(reply);
  assert.ok(left, reply);
  assert.equal(
    reply.split("\n").filter((l) => l.startsWith("- `pipelines")).length + Number(left[1]),
    500,
  );
});

Deno.test("errors are shortened last, and the reply never exceeds the limit", () => {
  const errors = Array.from(
    { length: 300 },
    (_, i) => `.loom/config.yaml:${i + 1}:1: ${"x".repeat(80)}`,
  );
  const reply = renderConfigReply({ ...base, errors, values: values(10), maxChars: 2_000 });
  assert.ok(reply.length <= 2_000);
  assert.doesNotMatch(reply, /- `pipelines/);
  assert.match(reply, /more errors, left out/);
});

Deno.test("a secret is masked wherever it occurs, even in a value long enough to be cut", () => {
  const secret = "s3cr3t-value-123";
  const reply = renderConfigReply({
    ...base,
    secrets: [secret],
    values: [
      {
        path: "models.default.base_url",
        value: `https://h/${"a".repeat(185)}${secret}`,
        source: "file",
      },
      {
        path: "models.x.base_url",
        value: "https://user:pw12345@h/v1?key=abcdef123",
        source: "file",
      },
    ],
  });
  assert.ok(!reply.includes(secret) && !reply.includes("s3c"), reply);
  assert.ok(!reply.includes("pw12345") && !reply.includes("abcdef123"), reply);
});

Deno.test("a value with backticks or newlines stays one code span on one line", () => {
  const reply = renderConfigReply({
    ...base,
    values: [{ path: "triggers.ignore_titles", value: ["``` @all\n<b>x"], source: "file" }],
  });
  const line = reply.split("\n").find((l) => l.includes("ignore_titles")) ?? "";
  assert.match(line, /^- `triggers\.ignore_titles`: ````\["``` @all\\n<b>x"\]```` · file$/);
});
