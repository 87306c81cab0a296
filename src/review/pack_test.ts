import assert from "node:assert/strict";
import {
  type DiffFile,
  parseDiff,
  renderFileHeader,
  renderNumberedFile,
  renderNumberedHunk,
} from "../diff/mod.ts";
import { type Chunk, packFiles } from "./pack.ts";
import { selectFiles } from "./select.ts";
import { countTokens } from "./tokens.ts";

/** A diff with one file per entry, each with hunks of the given numbers of added lines. */
function diffOf(files: Record<string, number[]>): string {
  let out = "";
  for (const [path, hunks] of Object.entries(files)) {
    out += `diff --git a/${path} b/${path}\nindex 1111111..2222222 100644\n`;
    out += `--- a/${path}\n+++ b/${path}\n`;
    let line = 1;
    for (const n of hunks) {
      out += `@@ -${line},0 +${line},${n} @@ function f${line}() {\n`;
      for (let i = 0; i < n; i++) out += `+  const v${i} = compute("${path}", ${line + i});\n`;
      line += n + 20;
    }
  }
  return out;
}

const tokensOf = (file: DiffFile) => countTokens(renderNumberedFile(file));
const chunkText = (chunk: Chunk) => chunk.files.map((f) => f.text).join("");

/** Checks what every packing must hold: budget kept, text as stated, nothing sent twice. */
function assertSound(chunks: Chunk[], budget: number): void {
  const seen = new Set<unknown>();
  for (const chunk of chunks) {
    assert.ok(chunk.tokens <= budget, `chunk of ${chunk.tokens} tokens over ${budget}`);
    assert.ok(countTokens(chunkText(chunk)) <= chunk.tokens, "recounted text exceeds chunk.tokens");
    for (const part of chunk.files) {
      // The text sent is the numbered rendering of exactly these hunks, under the file's header.
      assert.equal(part.text, renderNumberedFile(part.file, part.hunks));
      for (const hunk of part.hunks) {
        assert.ok(!seen.has(hunk), "a hunk was sent twice");
        seen.add(hunk);
      }
    }
  }
}

Deno.test("packFiles: whole files, every chunk within the budget, fewer chunks than in diff order", () => {
  const sizes = [30, 5, 22, 9, 14, 3, 27, 11, 8, 19, 2, 25, 6, 17, 12, 4];
  const files = parseDiff(diffOf(Object.fromEntries(sizes.map((n, i) => [`f${i}.ts`, [n]]))));
  const budget = Math.max(...files.map(tokensOf)) + 50;
  const { chunks, notReviewed } = packFiles(files, { budgetTokens: budget, maxChunks: 100 });
  assertSound(chunks, budget);
  assert.deepEqual(notReviewed, []);
  // Every file whole, exactly once.
  const sent = chunks.flatMap((c) => c.files);
  assert.deepEqual(sent.map((p) => p.file.path).sort(), files.map((f) => f.path).sort());
  for (const p of sent) assert.equal(p.hunks, p.file.hunks);
  // Fewer requests than filling chunks in diff order would take, and no fewer than possible.
  let nextFit = 1;
  let room = budget;
  for (const t of files.map(tokensOf)) {
    if (t > room) [nextFit, room] = [nextFit + 1, budget];
    room -= t;
  }
  const total = files.map(tokensOf).reduce((a, b) => a + b);
  assert.ok(chunks.length < nextFit, `${chunks.length} chunks, diff order needs ${nextFit}`);
  assert.ok(chunks.length >= Math.ceil(total / budget));
  // Within a chunk, and from chunk to chunk by first file, the diff order is kept.
  const index = (f: DiffFile) => files.indexOf(f);
  for (const chunk of chunks) {
    const order = chunk.files.map((p) => index(p.file));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  }
  const firsts = chunks.map((c) => index(c.files[0].file));
  assert.deepEqual(firsts, [...firsts].sort((a, b) => a - b));
});

Deno.test("packFiles: everything fits in one request when the budget allows", () => {
  const files = parseDiff(diffOf({ "a.ts": [3], "b.ts": [4, 2], "c.ts": [1] }));
  const { chunks, notReviewed } = packFiles(files, { budgetTokens: 100_000, maxChunks: 1 });
  assert.equal(chunks.length, 1);
  assert.deepEqual(notReviewed, []);
  assert.equal(chunkText(chunks[0]), files.map((f) => renderNumberedFile(f)).join(""));
});

Deno.test("packFiles: the model is sent each line with its new-side number, and that is counted", () => {
  const files = parseDiff(diffOf({ "a.ts": [2, 1] }));
  const { chunks } = packFiles(files, { budgetTokens: 100_000, maxChunks: 1 });
  assert.equal(
    chunkText(chunks[0]),
    "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n" +
      "@@ -1,0 +1,2 @@ function f1() {\n" +
      '1 +   const v0 = compute("a.ts", 1);\n' +
      '2 +   const v1 = compute("a.ts", 2);\n' +
      "@@ -23,0 +23 @@ function f23() {\n" +
      '23 +   const v0 = compute("a.ts", 23);\n',
  );
  const parts = [renderFileHeader(files[0]), ...files[0].hunks.map((h) => renderNumberedHunk(h))];
  assert.equal(chunks[0].tokens, parts.reduce((n, text) => n + countTokens(text), 0));
});

Deno.test("packFiles: a file over the budget is split by hunks, each part with the header", () => {
  const files = parseDiff(diffOf({ "small.ts": [2], "huge.ts": [20, 20, 20, 20, 20, 20, 20, 20] }));
  const huge = files[1];
  const budget = Math.floor(tokensOf(huge) / 3);
  const { chunks, notReviewed } = packFiles(files, { budgetTokens: budget, maxChunks: 100 });
  assertSound(chunks, budget);
  assert.deepEqual(notReviewed, []);
  const parts = chunks.flatMap((c) => c.files).filter((p) => p.file === huge);
  assert.ok(parts.length >= 3, `${parts.length} parts`);
  for (const part of parts) {
    // What the model reads: the same file's header, then this part's hunks with their numbers.
    assert.ok(part.text.startsWith(renderFileHeader(huge)));
    assert.equal(part.text, renderNumberedFile(huge, part.hunks));
  }
  // Each part a run of consecutive hunks, together covering every hunk once. (Chunks go in the
  // order of their first file, so a chunk led by small.ts may hold a later part of huge.ts.)
  const byFirstHunk = [...parts].sort((a, b) =>
    huge.hunks.indexOf(a.hunks[0]) - huge.hunks.indexOf(b.hunks[0])
  );
  assert.deepEqual(byFirstHunk.flatMap((p) => p.hunks), huge.hunks);
});

Deno.test("packFiles: a hunk over the budget alone is reported too_large, never sent", () => {
  const files = parseDiff(diffOf({ "a.ts": [4, 400, 4], "b.ts": [3] }));
  const budget = 600;
  const [a] = files;
  assert.ok(countTokens(renderNumberedFile(a, [a.hunks[1]])) > budget, "test setup: hunk too big");
  const { chunks, notReviewed } = packFiles(files, { budgetTokens: budget, maxChunks: 10 });
  assertSound(chunks, budget);
  assert.deepEqual(notReviewed, [{ path: "a.ts", reason: "too_large" }]);
  const sentHunks = chunks.flatMap((c) => c.files.flatMap((p) => p.hunks));
  assert.ok(!sentHunks.includes(a.hunks[1]));
  assert.ok(sentHunks.includes(a.hunks[0]) && sentHunks.includes(a.hunks[2]));
  assert.ok(sentHunks.includes(files[1].hunks[0]));
});

Deno.test("packFiles: stops at maxChunks, keeps the fullest chunks and reports the rest", () => {
  const sizes = [40, 40, 40, 40, 40, 5];
  const files = parseDiff(diffOf(Object.fromEntries(sizes.map((n, i) => [`f${i}.ts`, [n]]))));
  const budget = tokensOf(files[0]) + 5; // one big file per chunk
  const { chunks, notReviewed } = packFiles(files, { budgetTokens: budget, maxChunks: 2 });
  assertSound(chunks, budget);
  assert.equal(chunks.length, 2);
  const sent = chunks.flatMap((c) => c.files.map((p) => p.file.path));
  assert.equal(sent.length, 2);
  assert.ok(!sent.includes("f5.ts"), "a nearly empty chunk was kept over a full one");
  assert.deepEqual(
    notReviewed.map((n) => n.reason),
    Array(sizes.length - 2).fill("max_llm_calls"),
  );
  assert.deepEqual(
    [...sent, ...notReviewed.map((n) => n.path)].sort(),
    files.map((f) => f.path).sort(),
  );
  assert.deepEqual(packFiles(files, { budgetTokens: budget, maxChunks: 0 }).chunks, []);
});

Deno.test("packFiles: files without hunks (renames, mode changes) are sent as their header", () => {
  const files = parseDiff(
    "diff --git a/old.ts b/new.ts\nsimilarity index 100%\nrename from old.ts\nrename to new.ts\n",
  );
  const { chunks } = packFiles(files, { budgetTokens: 1000, maxChunks: 1 });
  assert.equal(chunks[0].files[0].text, renderNumberedFile(files[0]));
  assert.deepEqual(packFiles([], { budgetTokens: 1000, maxChunks: 3 }), {
    chunks: [],
    notReviewed: [],
  });
});

// Its speed is measured by `deno task bench:review` (the large case), not asserted here.
Deno.test("packFiles: a 20,000-line diff over 400 files is packed whole, within budget", () => {
  const spec: Record<string, number[]> = {};
  for (let i = 0; i < 400; i++) spec[`pkg${i % 25}/mod_${i}.ts`] = [14 + (i % 7) * 3, 12, 11];
  const diff = diffOf(spec);
  assert.ok(diff.split("\n").length >= 20_000);
  const run = () => {
    const { files } = selectFiles(parseDiff(diff), { ignorePaths: ["docs/**"], exclude: ["*.md"] });
    return packFiles(files, { budgetTokens: 30_000, maxChunks: 50 });
  };
  const result = run();
  assertSound(result.chunks, 30_000);
  assert.deepEqual(result.notReviewed, []);
});
