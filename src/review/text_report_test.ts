import assert from "node:assert/strict";
import { findingMaker } from "./_finding_fixture.ts";
import { renderText } from "./text_report.ts";

const finding = findingMaker({ body: "", fingerprint: "0" });

Deno.test("one block per finding, sorted by place, body indented, counts last", () => {
  const text = renderText([
    finding({ path: "src/z.ts", line: 3, severity: "info", pipeline: "style", title: "Naming" }),
    finding({
      line: 12,
      end_line: 14,
      severity: "blocker",
      title: "SQL injection",
      body: "The query concatenates input.\n\nBind it.",
      suggestion: "db.query(sql, [id]);\n",
    }),
    finding({ line: 300, title: "Stale cache", inDiff: false }),
  ]);
  assert.equal(
    text,
    "src/app.ts:12-14 [blocker] security: SQL injection\n" +
      "    The query concatenates input.\n\n    Bind it.\n\n" +
      "    Suggestion:\n      db.query(sql, [id]);\n\n" +
      "src/app.ts:300 [warning] security: Stale cache (outside the diff)\n\n" +
      "src/z.ts:3 [info] style: Naming\n\n" +
      "3 findings: 1 blocker, 1 warning, 1 info\n",
  );
});

Deno.test("no findings still ends with the counts", () => {
  assert.equal(renderText([]), "0 findings: 0 blockers, 0 warnings, 0 info\n");
});

Deno.test("what limited the review and the tokens used come before the counts", () => {
  const usage = { promptTokens: 1200, completionTokens: 80, calls: 1 };
  const text = renderText([finding({})], {
    pipelines: [
      { name: "style", model: "llama3", status: "succeeded", findings: 1, usage },
      {
        name: "docs",
        model: "gpt-4o",
        status: "failed",
        error: "HTTP 500\nbad",
        findings: 0,
        usage,
      },
    ],
    notReviewed: [{ path: "src/huge.ts", reason: "too_large" }],
    skippedFiles: [{ path: "a.png", reason: "binary" }],
    droppedUnknownPath: 1,
  });
  const lines = text.trimEnd().split("\n");
  assert.deepEqual(lines.slice(2), [
    "Pipeline docs failed: HTTP 500 bad",
    "1 file not reviewed:",
    "    src/huge.ts (too_large)",
    "1 file skipped.",
    "1 finding named a file outside the diff (dropped).",
    "docs (gpt-4o): failed, 0 findings, 1200 prompt + 80 completion tokens in 1 call",
    "style (llama3): succeeded, 1 finding, 1200 prompt + 80 completion tokens in 1 call",
    "",
    "1 finding: 0 blockers, 1 warning, 0 info",
  ]);
});

Deno.test("a skipped review says why first", () => {
  const text = renderText([], { skippedReason: "the diff changes 9000 lines (max 5000)" });
  assert.ok(text.startsWith("Review skipped: the diff changes 9000 lines (max 5000)\n"));
});

Deno.test("terminal control sequences in model text are removed", () => {
  const text = renderText([
    finding({ title: "Bad\u001b[2J title\u0007", body: "body\u001b]0;pwned\u0007\ttabbed" }),
  ]);
  assert.ok(!text.includes("\u001b") && !text.includes("\u0007"), JSON.stringify(text));
  assert.ok(text.includes("Bad[2J title"));
  assert.ok(text.includes("    body]0;pwned\ttabbed"));
});
