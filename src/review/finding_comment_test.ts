import assert from "node:assert/strict";
import type { Finding } from "../findings/mod.ts";
import { findingMaker } from "./_finding_fixture.ts";
import { renderFindingComment } from "./finding_comment.ts";
import { INJECTIONS } from "../../tests/support/injection_corpus.ts";
import { injections } from "../../tests/support/rendered_markdown.ts";

const finding = findingMaker();

const SUGGESTED: Finding = finding({
  line: 12,
  end_line: 14,
  severity: "blocker",
  title: "SQL injection",
  body: "Bind the parameter.",
  suggestion: "const rows = await db.query(sql, [id]);\nreturn rows;\n",
});

Deno.test("an inline comment has a header line, the title in bold, the body and a suggestion", () => {
  assert.equal(
    renderFindingComment(SUGGESTED, { suggestionFence: () => "suggestion" }),
    "🔴 **blocker** · security\n\n**SQL injection**\n\nBind the parameter.\n\n" +
      "```suggestion\nconst rows = await db.query(sql, [id]);\nreturn rows;\n```",
  );
});

Deno.test("forges without suggestions get a diff block; 'none' leaves the suggestion out", () => {
  const diff = renderFindingComment(SUGGESTED, { suggestionFence: () => null });
  assert.ok(
    diff.endsWith(
      "Suggested change for lines 12-14:\n\n```diff\n+const rows = await db.query(sql, [id]);\n" +
        "+return rows;\n```",
    ),
    diff,
  );
  const none = renderFindingComment(SUGGESTED, { suggestionFence: () => null, suggestions: false });
  assert.ok(!none.includes("```") && !none.includes("db.query"));
  const deletion = renderFindingComment({ ...SUGGESTED, suggestion: "" }, {
    suggestionFence: () => null,
  });
  assert.ok(deletion.endsWith("Suggested change: delete lines 12-14."));
  const githubDeletion = renderFindingComment({ ...SUGGESTED, suggestion: "" }, {
    suggestionFence: () => "suggestion",
  });
  assert.ok(githubDeletion.endsWith("```suggestion\n```"));
});

Deno.test("a suggestion containing a code fence gets a longer fence", () => {
  const text = renderFindingComment({
    ...SUGGESTED,
    suggestion: "/**\n * ```ts\n * x\n * ```\n */",
  }, {
    suggestionFence: () => "suggestion",
  });
  assert.ok(text.endsWith("````suggestion\n/**\n * ```ts\n * x\n * ```\n */\n````"), text);
});

// Issue 10, item 3: the pipeline name, title, body and suggestion of an inline comment, rendered by
// a real CommonMark renderer, keep no live mention outside code and no HTML element.
Deno.test("mention and HTML injection: no corpus text survives an inline comment, rendered", () => {
  for (const text of INJECTIONS) {
    const f = finding({ pipeline: text, title: text, body: text, suggestion: text });
    for (const suggestionFence of [() => "suggestion", () => null]) {
      const comment = renderFindingComment(f, { suggestionFence });
      assert.deepEqual(injections(comment), [], JSON.stringify(text));
    }
  }
});
