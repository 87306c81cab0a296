import assert from "node:assert/strict";
import type { Finding } from "./finding.ts";
import { compareFindings, compareText } from "./order.ts";

const base: Finding = {
  path: "a.ts",
  line: 1,
  severity: "warning",
  pipeline: "p",
  title: "t",
  body: "b",
  fingerprint: "f",
  inDiff: true,
};

Deno.test("findings order by path, line, severity, pipeline, title, fingerprint, body", () => {
  const expected: Finding[] = [
    base,
    { ...base, body: "c" },
    { ...base, fingerprint: "g" },
    { ...base, title: "u" },
    { ...base, pipeline: "q" },
    { ...base, severity: "info" },
    { ...base, line: 2, severity: "blocker" },
    { ...base, path: "b.ts" },
  ];
  for (const input of [[...expected].reverse(), [...expected.slice(3), ...expected.slice(0, 3)]]) {
    assert.deepEqual(input.sort(compareFindings), expected);
  }
});

Deno.test("text compares by code unit, not by locale", () => {
  assert.deepEqual(["b", "B", "a", "ä"].sort(compareText), ["B", "a", "b", "ä"]);
});
