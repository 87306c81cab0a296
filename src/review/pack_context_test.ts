import assert from "node:assert/strict";
import { type ContextMode, type FileContext, fileContext } from "../context/mod.ts";
import { type DiffFile, parseDiff } from "../diff/mod.ts";
import { type Chunk, packFiles } from "./pack.ts";
import { countTokens } from "./tokens.ts";

// A TypeScript file whose line 12 changes, inside method `load` of class `Store`.
const SOURCE = "export class Store {\n" +
  Array.from({ length: 9 }, (_, i) => `  // note ${i + 1}\n`).join("") +
  "  load(ids: string[]) {\n    const rows = read(ids);\n    return rows[0];\n  }\n}\n";

function storeDiff(path: string): string {
  return `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n` +
    "@@ -12,2 +12,2 @@\n-    const rows = read();\n+    const rows = read(ids);\n" +
    "     return rows[0];\n";
}

async function setup(paths: string[], mode: ContextMode) {
  const files = parseDiff(paths.map(storeDiff).join(""));
  const contexts = new Map<string, FileContext>();
  for (const file of files) {
    const c = await fileContext(file, SOURCE, { mode, wholeFileChars: 100_000 });
    assert.ok(c);
    contexts.set(file.path, c);
  }
  return { files, contexts };
}

const textOf = (chunks: Chunk[]) => chunks.flatMap((c) => c.files.map((f) => f.text)).join("");
const plainTokens = (files: DiffFile[]) =>
  packFiles(files, { budgetTokens: 100_000, maxChunks: 100 }).chunks[0].tokens;

Deno.test("scope context: the class and method lines go above the hunk, with their numbers, counted", async () => {
  const { files, contexts } = await setup(["src/store.ts"], "scope");
  const { chunks, notReviewed } = packFiles(files, {
    budgetTokens: 10_000,
    maxChunks: 1,
    context: { mode: "scope", files: contexts, fileTokens: 2000 },
  });
  assert.deepEqual(notReviewed, []);
  assert.ok(
    chunks[0].files[0].text.includes(
      "@@ -12,2 +12,2 @@\n 1   export class Store {\n   ⋮\n11     load(ids: string[]) {\n   -     const",
    ),
    chunks[0].files[0].text,
  );
  assert.ok(chunks[0].tokens >= countTokens(textOf(chunks)));
  assert.ok(chunks[0].tokens > plainTokens(files), "the context's tokens are counted");
});

Deno.test("a tight budget drops the context before any diff line", async () => {
  const { files, contexts } = await setup(["a.ts", "b.ts", "c.ts"], "scope");
  // Room for the three diffs alone in one request, not for them with their scope lines.
  const budget = plainTokens(files);
  const { chunks, notReviewed } = packFiles(files, {
    budgetTokens: budget,
    maxChunks: 1,
    context: { mode: "scope", files: contexts, fileTokens: 2000 },
  });
  assert.deepEqual(notReviewed, [], "every file is still reviewed");
  assert.equal(chunks.length, 1);
  assert.ok(chunks[0].tokens <= budget);
  assert.ok(!textOf(chunks).includes("export class Store"), "no scope line was sent");
  // With room, the same files get their context.
  const roomy = packFiles(files, {
    budgetTokens: budget * 3,
    maxChunks: 1,
    context: { mode: "scope", files: contexts, fileTokens: 2000 },
  });
  assert.equal(textOf(roomy.chunks).split("export class Store").length - 1, 3);
});

Deno.test("a scope line that would push a hunk over the budget alone is left out, not the hunk", async () => {
  const { files, contexts } = await setup(["src/store.ts"], "scope");
  const budget = plainTokens(files);
  const { chunks, notReviewed } = packFiles(files, {
    budgetTokens: budget,
    maxChunks: 5,
    context: { mode: "scope", files: contexts, fileTokens: 2000 },
  });
  assert.deepEqual(notReviewed, []);
  assert.ok(textOf(chunks).includes("12 +     const rows = read(ids);\n"), "the hunk is sent");
  assert.ok(!textOf(chunks).includes("export class Store"));
});

Deno.test("file context: a small file is shown whole, every line numbered, changes marked", async () => {
  const { files, contexts } = await setup(["src/store.ts"], "file");
  const { chunks } = packFiles(files, {
    budgetTokens: 10_000,
    maxChunks: 1,
    context: { mode: "file", files: contexts, fileTokens: 2000 },
  });
  const text = chunks[0].files[0].text;
  assert.ok(
    text.includes("@@ -1,15 +1,15 @@\n 1   export class Store {\n 2     // note 1\n"),
    text,
  );
  assert.ok(text.includes("   -     const rows = read();\n12 +     const rows = read(ids);\n"));
  assert.ok(text.endsWith("14     }\n15   }\n"));
  assert.ok(chunks[0].tokens >= countTokens(textOf(chunks)));
});

Deno.test("file context: a file over context_file_tokens gets its scope lines instead", async () => {
  const { files, contexts } = await setup(["src/store.ts"], "file");
  const { chunks } = packFiles(files, {
    budgetTokens: 10_000,
    maxChunks: 1,
    context: { mode: "file", files: contexts, fileTokens: 20 },
  });
  const text = chunks[0].files[0].text;
  assert.ok(!text.includes("// note 1"), "not whole");
  assert.ok(text.includes(" 1   export class Store {\n"), "but with its scope");
});

Deno.test("hunks context: only the diff, as before", async () => {
  const { files, contexts } = await setup(["src/store.ts"], "scope");
  const { chunks } = packFiles(files, {
    budgetTokens: 10_000,
    maxChunks: 1,
    context: { mode: "hunks", files: contexts, fileTokens: 2000 },
  });
  assert.equal(chunks[0].tokens, plainTokens(files));
  assert.ok(!textOf(chunks).includes("export class Store"));
});
