import assert from "node:assert/strict";
import { parseDiff, renderFileHeader, renderNumberedFile, renderNumberedHunk } from "./mod.ts";
import { makeRepo } from "../../tests/git_repo.ts";

function numbered(count: number, prefix = "line"): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join("");
}

Deno.test("renderNumberedHunk: each line shows the number git gives it in the new file", async () => {
  await using repo = await makeRepo();
  await repo.write("a.txt", numbered(120));
  const base = await repo.commit("base");
  await repo.write(
    "a.txt",
    numbered(120).replace("line 5\n", "five\n").replace("line 60\n", "").replace(
      "line 98\n",
      "line 98\nextra a\nextra b\n",
    ),
  );
  const head = await repo.commit("change");
  const [file] = parseDiff(await repo.git("diff", base, head));
  assert.equal(file.hunks.length, 3);

  // Read back what a model reads: the number in front of each line and the code after its marker.
  const newFile = (await repo.git("show", `${head}:a.txt`)).split("\n");
  for (const hunk of file.hunks) {
    const rows = renderNumberedHunk(hunk).split("\n").slice(1, -1);
    assert.equal(rows.length, hunk.lines.length);
    rows.forEach((row, i) => {
      const m = /^( *)(\d*) ([+ -]) (.*)$/.exec(row);
      assert.ok(m, `row ${JSON.stringify(row)}`);
      const line = hunk.lines[i];
      assert.equal(m[4], line.text);
      if (line.kind === "del") {
        assert.equal(m[2], "");
        assert.equal(m[3], "-");
      } else {
        assert.equal(m[3], line.kind === "add" ? "+" : " ");
        assert.equal(newFile[Number(m[2]) - 1], line.text, `line ${m[2]} of the new file`);
      }
    });
  }
  // Line 60 was removed above, so old 98 is new 97; the hunk crosses into three digits and its
  // numbers are right-aligned to one width.
  const last = renderNumberedHunk(file.hunks[2]);
  assert.ok(last.includes("\n 97   line 98\n 98 + extra a\n 99 + extra b\n100   line 99\n"), last);
  const removed = renderNumberedHunk(file.hunks[1]);
  assert.ok(removed.includes("\n   - line 60\n"), removed);
});

Deno.test("renderNumberedHunk: keeps git's @@ line and the missing-newline note", async () => {
  await using repo = await makeRepo();
  await repo.write("f.ts", "function f() {\n  a();\n  b();\n  c();\n  d();\n}\nlast");
  const base = await repo.commit("base");
  await repo.write("f.ts", "function f() {\n  a();\n  b();\n  c();\n  d();\n}\nfinal");
  const head = await repo.commit("change");
  const [file] = parseDiff(await repo.git("diff", base, head));
  assert.equal(
    renderNumberedHunk(file.hunks[0]),
    "@@ -4,4 +4,4 @@ function f() {\n" +
      "4     c();\n" +
      "5     d();\n" +
      "6   }\n" +
      "  - last\n" +
      "\\ No newline at end of file\n" +
      "7 + final\n" +
      "\\ No newline at end of file\n",
  );
});

Deno.test("renderNumberedHunk: a line of code cannot close the markdown fence around the diff", () => {
  const [file] = parseDiff(
    "diff --git a/r.md b/r.md\n--- a/r.md\n+++ b/r.md\n@@ -1,3 +1,3 @@\n ```\n-```js\n+```\n ```\n",
  );
  const text = renderNumberedFile(file);
  // CommonMark closes a fence on a line of backticks indented by at most three spaces.
  assert.doesNotMatch(text, /^ {0,3}```/m);
  assert.ok(text.includes("\n1   ```\n"), text);
});

Deno.test("renderNumberedFile: the file's header, then the chosen hunks numbered", () => {
  const [file] = parseDiff(
    "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n" +
      "@@ -1 +1 @@\n-x\n+y\n@@ -20 +20 @@\n-p\n+q\n",
  );
  assert.equal(
    renderNumberedFile(file),
    renderFileHeader(file) + file.hunks.map((h) => renderNumberedHunk(h)).join(""),
  );
  assert.equal(
    renderNumberedFile(file, file.hunks.slice(1)),
    "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -20 +20 @@\n   - p\n20 + q\n",
  );
});
