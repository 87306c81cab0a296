import assert from "node:assert/strict";
import { parseDiff, renderFileDiff, renderFileHeader, renderHunk } from "./mod.ts";
import { makeRepo } from "../../tests/git_repo.ts";

function numbered(count: number, prefix = "line"): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join("");
}

/** A diff git made, with one file of each kind a renderer has to reproduce. */
async function mixedDiff(): Promise<string> {
  await using repo = await makeRepo();
  await repo.write("mod.txt", numbered(40));
  await repo.write("gone.txt", "bye\n");
  await repo.write("ren.txt", numbered(20, "r"));
  await repo.write("src.txt", numbered(20, "c"));
  await repo.write("run.sh", "echo\n");
  await repo.write("nonl.txt", "a\nb");
  await repo.write("bin.dat", new Uint8Array([0, 1, 2]));
  const base = await repo.commit("base");
  await repo.write("mod.txt", numbered(40).replace("line 2\n", "two\n").replace("line 30\n", ""));
  await repo.remove("gone.txt");
  await repo.move("ren.txt", "renamed.txt");
  await repo.write("renamed.txt", numbered(20, "r").replace("r 9\n", "r nine\n"));
  await repo.write("copy.txt", numbered(20, "c").replace("c 1\n", "c one\n"));
  await Deno.chmod(`${repo.dir}/run.sh`, 0o755);
  await repo.write("nonl.txt", "a\nc");
  await repo.write("new.txt", "fresh\n");
  await repo.write("bin.dat", new Uint8Array([0, 1, 3]));
  const head = await repo.commit("change");
  return await repo.git("diff", "-M", "-C", "--find-copies-harder", base, head);
}

Deno.test("renderFileDiff: reproduces git's text, less the index lines", async () => {
  const diff = await mixedDiff();
  const files = parseDiff(diff);
  assert.equal(files.length, 8);
  const withoutIndex = diff.split("\n").filter((l) => !l.startsWith("index ")).join("\n");
  assert.equal(files.map((f) => renderFileDiff(f)).join(""), withoutIndex);
});

Deno.test("renderFileDiff: output parses back to the same file", async () => {
  const files = parseDiff(await mixedDiff());
  for (const file of files) assert.deepEqual(parseDiff(renderFileDiff(file)), [file], file.path);
});

Deno.test("renderFileDiff: names that need quoting survive a round trip", () => {
  const names = ['say "hi".txt', "back\\slash.txt", "new\nline.txt", "tab\t.txt", "café.txt"];
  for (const name of names) {
    const file = parseDiff(renderFileDiff({
      oldPath: name,
      newPath: name,
      path: name,
      status: "modified",
      binary: false,
      hunks: [{
        oldStart: 1,
        oldLines: 1,
        newStart: 1,
        newLines: 1,
        header: "",
        lines: [
          { kind: "del", text: "a", oldLine: 1, newLine: null },
          { kind: "add", text: "b", oldLine: null, newLine: 1 },
        ],
      }],
      additions: 1,
      deletions: 1,
    }))[0];
    assert.equal(file.path, name);
    assert.equal(file.oldPath, name);
  }
});

Deno.test("renderFileDiff: a subset of hunks keeps the header and the hunks' line numbers", async () => {
  await using repo = await makeRepo();
  await repo.write("big.txt", numbered(100));
  const base = await repo.commit("base");
  await repo.write(
    "big.txt",
    numbered(100).replace("line 10\n", "ten\n").replace("line 50\n", "fifty\n")
      .replace("line 90\n", "ninety\n"),
  );
  const head = await repo.commit("change");
  const [file] = parseDiff(await repo.git("diff", base, head));
  assert.equal(file.hunks.length, 3);

  const middle = renderFileDiff(file, [file.hunks[1]]);
  assert.ok(middle.startsWith("diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n"));
  assert.ok(middle.includes("+fifty\n"));
  assert.ok(!middle.includes("ten") && !middle.includes("ninety"));
  const [part] = parseDiff(middle);
  assert.deepEqual(part.hunks, [file.hunks[1]]);
  assert.equal(
    renderFileHeader(file) + renderHunk(file.hunks[0]) + renderHunk(file.hunks[2]),
    renderFileDiff(file, [file.hunks[0], file.hunks[2]]),
  );
});
