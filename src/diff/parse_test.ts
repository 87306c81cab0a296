import assert from "node:assert/strict";
import { type DiffFile, parseDiff } from "./mod.ts";
import { type GitRepo, makeRepo } from "../../tests/git_repo.ts";

/** Numbered lines, so every line of a file is distinct and easy to locate. */
function numbered(count: number, prefix = "line"): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join("");
}

/** Asserts every parsed line's text sits at its stated line number in the real file. */
function assertLinesMatch(file: DiffFile, oldText: string, newText: string): void {
  const oldLines = oldText.split(/\r?\n/);
  const newLines = newText.split(/\r?\n/);
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.oldLine !== null) assert.equal(oldLines[line.oldLine - 1], line.text, "old side");
      if (line.newLine !== null) assert.equal(newLines[line.newLine - 1], line.text, "new side");
    }
  }
}

function byPath(files: DiffFile[], path: string): DiffFile {
  const file = files.find((f) => f.path === path);
  assert.ok(file, `no file ${path} in ${files.map((f) => f.path).join(", ")}`);
  return file;
}

/** A file git moved or copied without changing it: `status` from `oldPath`, alike in full. */
function assertUntouched(file: DiffFile, status: DiffFile["status"], oldPath: string) {
  assert.equal(file.status, status);
  assert.equal(file.oldPath, oldPath);
  assert.equal(file.similarity, 100);
  assert.deepEqual(file.hunks, []);
}

/** Commits `before`, then applies `change` and commits again; returns `git diff` between them. */
async function diffOf(
  repo: GitRepo,
  before: Record<string, string | Uint8Array>,
  change: () => Promise<void>,
  ...diffArgs: string[]
): Promise<string> {
  for (const [path, content] of Object.entries(before)) await repo.write(path, content);
  const base = await repo.commit("base");
  await change();
  const head = await repo.commit("change");
  return await repo.git("diff", ...diffArgs, base, head);
}

Deno.test("parseDiff: modified file with several hunks keeps line numbers and function context", async () => {
  await using repo = await makeRepo();
  // Indented body lines, so git's default function-name rule picks the `function` line.
  const oldText = "function a() {\n" + numbered(40, "  line") + "}\n";
  const newText = oldText.replace("line 3\n", "line 3 changed\n")
    .replace("line 30\n", "line 30 changed\n  line 30b\n")
    .replace("  line 35\n", "");
  const diff = await diffOf(repo, { "a.js": oldText }, () => repo.write("a.js", newText));
  const [file] = parseDiff(diff);
  assert.equal(file.path, "a.js");
  assert.equal(file.status, "modified");
  assert.equal(file.oldPath, "a.js");
  assert.equal(file.newPath, "a.js");
  assert.equal(file.hunks.length, 2);
  assert.equal(file.additions, 3);
  assert.equal(file.deletions, 3);
  assert.equal(file.hunks[1].header, "function a() {");
  assertLinesMatch(file, oldText, newText);
  const added = file.hunks[1].lines.filter((l) => l.kind === "add").map((l) => l.newLine);
  assert.deepEqual(added, [31, 32]);
});

Deno.test("parseDiff: added and deleted files have a null path on the missing side", async () => {
  await using repo = await makeRepo();
  const diff = await diffOf(repo, { "old.txt": "a\nb\n" }, async () => {
    await repo.remove("old.txt");
    await repo.write("src/new.ts", "export const x = 1;\n");
    await repo.write("empty.txt", "");
  });
  const files = parseDiff(diff);
  const added = byPath(files, "src/new.ts");
  assert.equal(added.status, "added");
  assert.equal(added.oldPath, null);
  assert.equal(added.newMode, "100644");
  assert.deepEqual(added.hunks[0].lines, [
    { kind: "add", text: "export const x = 1;", oldLine: null, newLine: 1 },
  ]);
  const deleted = byPath(files, "old.txt");
  assert.equal(deleted.status, "deleted");
  assert.equal(deleted.newPath, null);
  assert.equal(deleted.oldMode, "100644");
  assert.equal(deleted.deletions, 2);
  const empty = byPath(files, "empty.txt");
  assert.equal(empty.status, "added");
  assert.deepEqual(empty.hunks, []);
});

Deno.test("parseDiff: renames with and without content changes", async () => {
  await using repo = await makeRepo();
  const text = numbered(20);
  const diff = await diffOf(
    repo,
    { "pure.txt": text, "edited.txt": numbered(20, "e") },
    async () => {
      await repo.move("pure.txt", "moved/pure.txt");
      await repo.move("edited.txt", "edited2.txt");
      await repo.write("edited2.txt", numbered(20, "e").replace("e 7\n", "e seven\n"));
    },
    "-M",
  );
  const files = parseDiff(diff);
  assert.equal(files.length, 2);
  assertUntouched(byPath(files, "moved/pure.txt"), "renamed", "pure.txt");
  const edited = byPath(files, "edited2.txt");
  assert.equal(edited.status, "renamed");
  assert.equal(edited.oldPath, "edited.txt");
  assert.ok(edited.similarity! < 100 && edited.similarity! > 50);
  assert.equal(edited.additions, 1);
  assertLinesMatch(edited, numbered(20, "e"), numbered(20, "e").replace("e 7\n", "e seven\n"));
});

Deno.test("parseDiff: copies with and without content changes", async () => {
  await using repo = await makeRepo();
  const src = numbered(20, "c");
  const diff = await diffOf(
    repo,
    { "src.txt": src },
    async () => {
      await repo.write("same.txt", src);
      await repo.write("changed.txt", src.replace("c 4\n", "c four\n"));
    },
    "-C",
    "--find-copies-harder",
  );
  const files = parseDiff(diff);
  assertUntouched(byPath(files, "same.txt"), "copied", "src.txt");
  const changed = byPath(files, "changed.txt");
  assert.equal(changed.status, "copied");
  assert.equal(changed.oldPath, "src.txt");
  assert.deepEqual(
    changed.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== "context")),
    [
      { kind: "del", text: "c 4", oldLine: 4, newLine: null },
      { kind: "add", text: "c four", oldLine: null, newLine: 4 },
    ],
  );
});

Deno.test("parseDiff: a mode change alone has modes and no hunks", async () => {
  await using repo = await makeRepo();
  const diff = await diffOf(
    repo,
    { "run.sh": "echo hi\n", "my script.sh": "echo hi\n" },
    async () => {
      await Deno.chmod(`${repo.dir}/run.sh`, 0o755);
      await Deno.chmod(`${repo.dir}/my script.sh`, 0o755);
    },
  );
  const files = parseDiff(diff);
  assert.deepEqual(files.map((f) => f.path), ["my script.sh", "run.sh"]);
  for (const file of files) {
    assert.equal(file.status, "modified");
    assert.equal(file.oldMode, "100644");
    assert.equal(file.newMode, "100755");
    assert.deepEqual(file.hunks, []);
  }
});

Deno.test("parseDiff: binary files, as a summary line and as a GIT binary patch", async () => {
  await using repo = await makeRepo();
  const before = { "img.png": new Uint8Array([137, 80, 78, 71, 0, 1, 2]), "a.txt": "a\n" };
  const diffs = await (async () => {
    for (const [p, c] of Object.entries(before)) await repo.write(p, c);
    const base = await repo.commit("base");
    await repo.write("img.png", new Uint8Array([137, 80, 78, 71, 0, 9, 9, 9]));
    await repo.write("new data.bin", new Uint8Array([0, 0, 1, 255]));
    await repo.write("z.txt", "after the binary\n");
    const head = await repo.commit("change");
    return [await repo.git("diff", base, head), await repo.git("diff", "--binary", base, head)];
  })();
  assert.match(diffs[0], /^Binary files a\/img.png and b\/img.png differ$/m);
  assert.match(diffs[1], /^GIT binary patch$/m);
  for (const diff of diffs) {
    const files = parseDiff(diff);
    assert.deepEqual(files.map((f) => f.path), ["img.png", "new data.bin", "z.txt"]);
    const [img, added, text] = files;
    assert.equal(img.binary, true);
    assert.equal(img.status, "modified");
    assert.deepEqual(img.hunks, []);
    assert.equal(added.binary, true);
    assert.equal(added.status, "added");
    assert.equal(added.oldPath, null);
    // The file after a binary patch must not be swallowed by the patch's payload.
    assert.equal(text.binary, false);
    assert.equal(text.hunks[0].lines[0].text, "after the binary");
  }
});

Deno.test("parseDiff: '\\ No newline at end of file' marks the line it follows", async () => {
  await using repo = await makeRepo();
  const diff = await diffOf(repo, { "n.txt": "a\nb" }, () => repo.write("n.txt", "a\nb\nc"));
  const [file] = parseDiff(diff);
  const lines = file.hunks[0].lines;
  assert.deepEqual(
    lines.map((l) => [l.kind, l.text, l.noNewline ?? false]),
    [["context", "a", false], ["del", "b", true], ["add", "b", false], ["add", "c", true]],
  );
  assert.equal(file.additions, 2);
  assert.equal(file.deletions, 1);
});

Deno.test("parseDiff: CRLF files and CRLF diffs give the same lines, without \\r", async () => {
  await using repo = await makeRepo();
  const oldText = "one\r\ntwo\r\nthree\r\n";
  const newText = "one\r\nTWO\r\nthree\r\n\r\nfour\r\n";
  const diff = await diffOf(repo, { "w.txt": oldText }, () => repo.write("w.txt", newText));
  assert.ok(diff.includes("+TWO\r\n"), "git kept the CR in the diff");
  const fromLf = parseDiff(diff);
  const [file] = fromLf;
  assert.deepEqual(
    file.hunks[0].lines.map((l) => l.text),
    ["one", "two", "TWO", "three", "", "four"],
  );
  assertLinesMatch(file, oldText, newText);
  const fromCrlf = parseDiff(diff.replaceAll(/\r?\n/g, "\r\n"));
  assert.deepEqual(fromCrlf, fromLf);
});

Deno.test("parseDiff: quoted paths with non-ASCII, quotes and backslashes are decoded", async () => {
  await using repo = await makeRepo();
  const names = [
    "café.txt",
    "日本/ファイル.md",
    'say "hi".txt',
    "back\\slash.txt",
    "tab\there.txt",
  ];
  const diff = await diffOf(
    repo,
    Object.fromEntries(names.map((n) => [n, "old\n"])),
    async () => {
      for (const n of names) await repo.write(n, "new\n");
    },
  );
  // git quoted these itself (default core.quotePath), so the decoding is what is under test.
  assert.ok(diff.includes('diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"'));
  assert.ok(diff.includes('"a/say \\"hi\\".txt"'));
  assert.ok(diff.includes('"a/tab\\there.txt"'));
  const files = parseDiff(diff);
  assert.deepEqual(files.map((f) => f.path).sort(), [...names].sort());
  for (const file of files) {
    assert.equal(file.oldPath, file.newPath);
    assert.equal(file.hunks[0].lines[1].text, "new");
  }
});

Deno.test("parseDiff: a rename between a plain and a quoted name", async () => {
  await using repo = await makeRepo();
  const diff = await diffOf(
    repo,
    { "plain.txt": numbered(10) },
    () => repo.move("plain.txt", "naïve.txt"),
    "-M",
  );
  assert.ok(diff.includes('diff --git a/plain.txt "b/na\\303\\257ve.txt"'));
  const [file] = parseDiff(diff);
  assert.equal(file.oldPath, "plain.txt");
  assert.equal(file.newPath, "naïve.txt");
  assert.equal(file.status, "renamed");
});

Deno.test("parseDiff: unquoted paths with spaces, in headers with and without ---/+++", async () => {
  await using repo = await makeRepo();
  const diff = await diffOf(
    repo,
    {
      "dir with space/my file.txt": "x\ny\n",
      "old name.txt": numbered(10),
      "a b/pic b.png": new Uint8Array([0, 1, 2]),
    },
    async () => {
      await repo.write("dir with space/my file.txt", "x\nY\n");
      await repo.move("old name.txt", "new b/name.txt");
      await repo.write("a b/pic b.png", new Uint8Array([0, 1, 3]));
    },
    "-M",
  );
  // Only the `diff --git` line names the binary file; it holds " b/" three times.
  assert.ok(diff.includes("diff --git a/a b/pic b.png b/a b/pic b.png\n"));
  const files = parseDiff(diff);
  const text = byPath(files, "dir with space/my file.txt");
  assert.equal(text.oldPath, "dir with space/my file.txt");
  assert.deepEqual(text.hunks[0].lines.map((l) => l.text), ["x", "y", "Y"]);
  const renamed = byPath(files, "new b/name.txt");
  assert.equal(renamed.oldPath, "old name.txt");
  assert.equal(renamed.status, "renamed");
  const binary = byPath(files, "a b/pic b.png");
  assert.equal(binary.oldPath, "a b/pic b.png");
  assert.equal(binary.binary, true);
});

Deno.test("parseDiff: -U0 hunks without context", async () => {
  await using repo = await makeRepo();
  const oldText = numbered(20);
  const newText = oldText.replace("line 5\n", "line 5\ninserted\n").replace("line 15\n", "")
    .replace("line 18\n", "line eighteen\n");
  const diff = await diffOf(repo, { "u.txt": oldText }, () => repo.write("u.txt", newText), "-U0");
  const [file] = parseDiff(diff);
  assert.deepEqual(
    file.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]),
    [[5, 0, 6, 1], [15, 1, 15, 0], [18, 1, 18, 1]],
  );
  assert.deepEqual(file.hunks[0].lines, [
    { kind: "add", text: "inserted", oldLine: null, newLine: 6 },
  ]);
  assert.deepEqual(file.hunks[1].lines, [
    { kind: "del", text: "line 15", oldLine: 15, newLine: null },
  ]);
  assertLinesMatch(file, oldText, newText);
});

Deno.test("parseDiff: lines that look like headers are read as content", async () => {
  await using repo = await makeRepo();
  const oldText = "-- a\n++ b\ndiff --git a/x b/x\n@@ -1 +1 @@\nend\n";
  const newText = "++ a\n-- b\ndiff --git c/y d/y\n@@ -2 +2 @@\nend\n";
  const diff = await diffOf(
    repo,
    { "tricky.sql": oldText, "next.txt": "n\n" },
    async () => {
      await repo.write("tricky.sql", newText);
      await repo.write("next.txt", "m\n");
    },
  );
  assert.ok(diff.includes("\n--- a\n"), "git emitted a deleted line that reads like a header");
  const files = parseDiff(diff);
  assert.deepEqual(files.map((f) => f.path), ["next.txt", "tricky.sql"]);
  const tricky = files[1];
  assert.equal(tricky.deletions, 4);
  assert.equal(tricky.additions, 4);
  assertLinesMatch(tricky, oldText, newText);
});

Deno.test("parseDiff: git format-patch mail around the diff", async () => {
  await using repo = await makeRepo();
  await repo.write("a.txt", "1\n");
  await repo.commit("base");
  await repo.write("a.txt", "2\n");
  await repo.commit("subject line\n\n--- not a header\nbody");
  const patch = await repo.git("format-patch", "-1", "--stdout");
  assert.match(patch, /^-- $/m, "the mail ends with a signature separator");
  const files = parseDiff(patch);
  assert.equal(files.length, 1);
  assert.deepEqual(
    files[0].hunks[0].lines.map((l) => `${l.kind}:${l.text}`),
    ["del:1", "add:2"],
  );
});

Deno.test("parseDiff: GitHub .diff without a final newline, and plain diff -u output", () => {
  const github = [
    "diff --git a/README.md b/README.md",
    "index 3b18e51..a042389 100644",
    "--- a/README.md",
    "+++ b/README.md",
    "@@ -1,2 +1,2 @@ # Title",
    " intro",
    "-old",
    "+new",
  ].join("\n");
  const [gh] = parseDiff(github);
  assert.equal(gh.path, "README.md");
  assert.equal(gh.hunks[0].header, "# Title");
  assert.deepEqual(gh.hunks[0].lines.at(-1), {
    kind: "add",
    text: "new",
    oldLine: null,
    newLine: 2,
  });

  const plain = [
    "--- src/a.c\t2024-01-01 00:00:00.000000000 +0000",
    "+++ src/a.c\t2024-01-02 00:00:00.000000000 +0000",
    "@@ -1 +1 @@",
    "-int a;",
    "+int b;",
    "--- /dev/null\t1970-01-01 00:00:00.000000000 +0000",
    "+++ src/b.c\t2024-01-02 00:00:00.000000000 +0000",
    "@@ -0,0 +1 @@",
    "+int c;",
    "",
  ].join("\n");
  const files = parseDiff(plain);
  assert.deepEqual(files.map((f) => [f.path, f.status, f.additions]), [
    ["src/a.c", "modified", 1],
    ["src/b.c", "added", 1],
  ]);
});

Deno.test("parseDiff: empty input and text without a diff give no files", () => {
  assert.deepEqual(parseDiff(""), []);
  assert.deepEqual(parseDiff("hello\nworld\n"), []);
});

// Its speed is measured by `deno task bench:review` (the large case), not asserted here.
Deno.test("parseDiff: 20,000 diff lines over 400 files are all read", async () => {
  await using repo = await makeRepo();
  const files = 400;
  const body = (i: number, v: string) =>
    Array.from({ length: 60 }, (_, l) => `  const value${l} = compute(${i}, ${l}); // ${v}\n`)
      .join("");
  const paths = Array.from({ length: files }, (_, i) => `pkg${i % 20}/file_${i}.ts`);
  await Promise.all(paths.map((p, i) => repo.write(p, body(i, "old"))));
  const base = await repo.commit("base");
  // Every third line changes: 20 deletions and 20 additions per file.
  await Promise.all(paths.map((p, i) =>
    repo.write(
      p,
      body(i, "old").split("\n").map((l, n) => (n % 3 === 0 && l ? l.replace("old", "new") : l))
        .join("\n"),
    )
  ));
  const head = await repo.commit("change");
  const diff = await repo.git("diff", base, head);
  const lineCount = diff.split("\n").length;
  assert.ok(lineCount >= 20_000, `diff has ${lineCount} lines`);

  const parsed = parseDiff(diff);
  assert.equal(parsed.length, files);
  assert.equal(parsed.reduce((n, f) => n + f.additions + f.deletions, 0), files * 40);
});
