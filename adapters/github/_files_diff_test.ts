import assert from "node:assert/strict";
import { type DiffFile, parseDiff } from "../../src/diff/mod.ts";
import { diffFromFiles, type GithubPullFile } from "./_files_diff.ts";

/** What a reviewer sees of a file: names, kind and lines, not modes or index lines. */
function reviewable(files: DiffFile[]) {
  return files.map((f) => ({
    path: f.path,
    oldPath: f.oldPath,
    newPath: f.newPath,
    status: f.status,
    binary: f.binary,
    hunks: f.hunks,
  }));
}

// As `git diff` (and GitHub's `.diff`) prints it.
const DOT_DIFF = `diff --git a/src/app.ts b/src/app.ts
index 1111111..2222222 100644
--- a/src/app.ts
+++ b/src/app.ts
@@ -1,3 +1,4 @@ import x
 a
-b
+B
+c
 d
@@ -20,2 +21,2 @@ function f() {
 x
-y
\\ No newline at end of file
+z
\\ No newline at end of file
diff --git a/docs/new guide.md b/docs/new guide.md
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/docs/new guide.md\t
@@ -0,0 +1,2 @@
+# Guide
+hello
diff --git a/old.txt b/old.txt
deleted file mode 100644
index 4444444..0000000
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-gone
diff --git a/lib/a.ts b/lib/b.ts
similarity index 90%
rename from lib/a.ts
rename to lib/b.ts
index 5555555..6666666 100644
--- a/lib/a.ts
+++ b/lib/b.ts
@@ -1 +1 @@
-export const a = 1;
+export const b = 1;
diff --git a/same.txt b/moved/same.txt
similarity index 100%
rename from same.txt
rename to moved/same.txt
diff --git a/logo.png b/logo.png
index 7777777..8888888 100644
Binary files a/logo.png and b/logo.png differ
diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"
index 9999999..aaaaaaa 100644
--- "a/caf\\303\\251.txt"
+++ "b/caf\\303\\251.txt"
@@ -1 +1 @@
-old
+new
`;

// What `GET /pulls/{n}/files` says about the same pull request.
const FILES: GithubPullFile[] = [
  {
    filename: "src/app.ts",
    status: "modified",
    changes: 5,
    patch:
      "@@ -1,3 +1,4 @@ import x\n a\n-b\n+B\n+c\n d\n@@ -20,2 +21,2 @@ function f() {\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file",
  },
  {
    filename: "docs/new guide.md",
    status: "added",
    changes: 2,
    patch: "@@ -0,0 +1,2 @@\n+# Guide\n+hello",
  },
  { filename: "old.txt", status: "removed", changes: 1, patch: "@@ -1 +0,0 @@\n-gone" },
  {
    filename: "lib/b.ts",
    previous_filename: "lib/a.ts",
    status: "renamed",
    changes: 2,
    patch: "@@ -1 +1 @@\n-export const a = 1;\n+export const b = 1;",
  },
  { filename: "moved/same.txt", previous_filename: "same.txt", status: "renamed", changes: 0 },
  { filename: "logo.png", status: "modified", changes: 0 },
  { filename: "café.txt", status: "modified", changes: 2, patch: "@@ -1 +1 @@\n-old\n+new" },
];

Deno.test("the diff built from the files list parses to the same files and lines as the .diff", () => {
  const built = diffFromFiles(FILES);
  assert.deepEqual(reviewable(parseDiff(built)), reviewable(parseDiff(DOT_DIFF)));
  assert.equal(parseDiff(built).length, 7);
});

Deno.test("headers follow git: /dev/null for added and removed, rename lines, binary note", () => {
  const built = diffFromFiles(FILES);
  assert.match(
    built,
    /^diff --git a\/old\.txt b\/old\.txt\ndeleted file mode 100644\n--- a\/old\.txt\n\+\+\+ \/dev\/null\n/m,
  );
  assert.match(built, /^--- \/dev\/null\n\+\+\+ b\/docs\/new guide\.md\n/m);
  assert.match(
    built,
    /^diff --git a\/same\.txt b\/moved\/same\.txt\nrename from same\.txt\nrename to moved\/same\.txt\ndiff/m,
  );
  assert.match(built, /^Binary files a\/logo\.png and b\/logo\.png differ\n/m);
});

Deno.test("an added binary file is an added binary file", () => {
  const [file] = parseDiff(diffFromFiles([{ filename: "img.png", status: "added", changes: 0 }]));
  assert.equal(file.status, "added");
  assert.equal(file.binary, true);
  assert.equal(file.path, "img.png");
});
