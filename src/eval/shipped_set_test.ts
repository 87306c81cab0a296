import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseDiff } from "../diff/mod.ts";
import { loadEvalSet } from "./load_cases.ts";

const SHIPPED = fileURLToPath(new URL("../../eval/cases", import.meta.url));
const KINDS = [
  "injection",
  "off-by-one",
  "null-dereference",
  "leaked-secret",
  "race",
  "resource-leak",
  "clean",
];

Deno.test("shipped eval set: loads, validates and covers the kinds and languages", async () => {
  const result = await loadEvalSet(SHIPPED);
  assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
  const { cases } = result;
  assert.ok(cases.length >= 30, `${cases.length} cases`);
  assert.ok(new Set(cases.map((c) => c.language)).size >= 5);
  for (const kind of KINDS) assert.ok(cases.some((c) => c.kind === kind), kind);
  for (const c of cases) {
    assert.equal(c.kind === "clean", c.expected.length === 0, c.id);
    const lines = c.diff.trimEnd().split("\n").length;
    assert.ok(lines >= 10 && lines <= 60, `${c.id}: ${lines} diff lines`);
    // Every expected line is an added or context line of the new side (loadEvalSet checks the
    // hunk range; this checks the lines themselves exist in the hunk).
    const files = parseDiff(c.diff);
    for (const e of c.expected) {
      const newLines = files.find((f) => f.path === e.path)!.hunks
        .flatMap((h) => h.lines.map((l) => l.newLine));
      for (let n = e.lines[0]; n <= e.lines[1]; n++) {
        assert.ok(newLines.includes(n), `${c.id}:${n}`);
      }
      assert.ok(e.keywords.length > 0, c.id);
    }
  }
});
