import assert from "node:assert/strict";
import { formatConfigError, sortConfigErrors } from "./config_error.ts";

Deno.test("formatConfigError prints file:line:col: message", () => {
  assert.equal(
    formatConfigError({ file: ".loom/config.yaml", line: 3, col: 5, message: "unknown key" }),
    ".loom/config.yaml:3:5: unknown key",
  );
});

Deno.test("sortConfigErrors orders by position within a file and keeps file order", () => {
  const e = (file: string, line: number, col: number, message = "m") => ({
    file,
    line,
    col,
    message,
  });
  const sorted = sortConfigErrors([
    e("b.yaml", 9, 1),
    e("a.md", 2, 1),
    e("b.yaml", 1, 7),
    e("b.yaml", 1, 3),
    e("b.yaml", 1, 3),
  ]);
  assert.deepEqual(sorted.map(formatConfigError), [
    "b.yaml:1:3: m",
    "b.yaml:1:7: m",
    "b.yaml:9:1: m",
    "a.md:2:1: m",
  ]);
});
