import assert from "node:assert/strict";
import { commentableLines, parseDiff } from "./mod.ts";
import { makeRepo } from "../../tests/git_repo.ts";

function numbered(count: number): string {
  return Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join("");
}

async function diffFor(oldText: string, newText: string, ...args: string[]) {
  await using repo = await makeRepo();
  await repo.write("f.txt", oldText);
  const base = await repo.commit("base");
  await repo.write("f.txt", newText);
  const head = await repo.commit("change");
  return parseDiff(await repo.git("diff", ...args, base, head))[0];
}

Deno.test("commentableLines: new side is added and context lines, old side deleted and context", async () => {
  const oldText = numbered(20);
  const newText = oldText.replace("line 10\n", "ten\nten and a half\n");
  const file = await diffFor(oldText, newText);
  // Three lines of context each side of the change: old 7-13, new 7-14.
  assert.deepEqual([...commentableLines(file)], [7, 8, 9, 10, 11, 12, 13, 14]);
  assert.deepEqual([...commentableLines(file, "old")], [7, 8, 9, 10, 11, 12, 13]);
});

Deno.test("commentableLines: without context only the changed lines count", async () => {
  const oldText = numbered(20);
  const newText = oldText.replace("line 3\n", "three\n").replace("line 15\n", "");
  const file = await diffFor(oldText, newText, "-U0");
  assert.deepEqual([...commentableLines(file)], [3]);
  assert.deepEqual([...commentableLines(file, "old")].sort((a, b) => a - b), [3, 15]);
});

Deno.test("commentableLines: a deleted file has nothing on the new side", async () => {
  await using repo = await makeRepo();
  await repo.write("gone.txt", "a\nb\n");
  const base = await repo.commit("base");
  await repo.remove("gone.txt");
  const head = await repo.commit("change");
  const [file] = parseDiff(await repo.git("diff", base, head));
  assert.equal(commentableLines(file).size, 0);
  assert.deepEqual([...commentableLines(file, "old")], [1, 2]);
});
