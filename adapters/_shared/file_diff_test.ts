import assert from "node:assert/strict";
import { type DiffFile, parseDiff } from "../../src/diff/mod.ts";
import { makeRepo } from "../../tests/git_repo.ts";
import { treeAt } from "../../tests/fakes/azure_devops/_git.ts";
import { fileDiff, isBinary } from "./file_diff.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** What a reviewer of the diff sees of a file: everything but git's similarity score. */
function seen(files: DiffFile[]) {
  return files.map(({ similarity: _s, ...f }) => f);
}

Deno.test("fileDiff writes each kind of change as git does, file by file", async () => {
  await using git = await makeRepo();
  const lines = (n: number, tag = "") => Array.from({ length: n }, (_, i) => `line ${i}${tag}`);
  await git.write("src/app.ts", lines(40).join("\n") + "\n");
  await git.write(
    "src/old name.ts",
    "export const a = 1;\nexport const b = 2;\n" + lines(10).join("\n") + "\n",
  );
  await git.write("moved.txt", lines(12, " moved").join("\n") + "\n");
  await git.write("gone.md", "# Gone\n\nbye\n");
  await git.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  await git.write("no-eol.txt", "first\nsecond");
  await git.write("windows.txt", "one\r\ntwo\r\nthree\r\n");
  await git.commit("base");
  const base = (await git.git("rev-parse", "HEAD")).trim();

  const app = lines(40);
  app.splice(2, 1, "changed near the top");
  app.splice(30, 0, "inserted", "lines");
  app.pop();
  await git.write("src/app.ts", app.join("\n") + "\n");
  await git.move("src/old name.ts", "src/new name.ts");
  await git.write(
    "src/new name.ts",
    "export const a = 1;\nexport const b = 3;\n" + lines(10).join("\n") + "\n",
  );
  await git.move("moved.txt", "docs/moved.txt");
  await git.remove("gone.md");
  await git.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9]));
  await git.write("no-eol.txt", "first\nsecond, changed");
  await git.write("windows.txt", "one\r\nTWO\r\nthree\r\n");
  await git.write("café/ünïcode.txt", "héllo\n");
  await git.write("empty.txt", "");
  await git.write("new.ts", "export {};\n");
  const head = await git.commit("change everything");

  const [before, after] = await Promise.all([treeAt(git, base), treeAt(git, head)]);
  const status = await git.git(
    "-c",
    "core.quotepath=false",
    "diff",
    "--name-status",
    "-z",
    "-M",
    base,
    head,
  );
  const fields = status.split("\0").filter(Boolean);
  let ours = "";
  for (let i = 0; i < fields.length;) {
    const kind = fields[i++];
    const from = fields[i++];
    const to = kind.startsWith("R") ? fields[i++] : from;
    const oldPath = kind === "A" ? null : from;
    const newPath = kind === "D" ? null : to;
    ours += await fileDiff({
      oldPath,
      newPath,
      oldContent: oldPath === null ? null : before[oldPath],
      newContent: newPath === null ? null : after[newPath],
    });
  }
  const theirs = await git.git("diff", "-M", base, head);
  const byPath = (files: DiffFile[]) => files.toSorted((a, b) => a.path < b.path ? -1 : 1);
  assert.deepEqual(seen(byPath(parseDiff(ours))), seen(byPath(parseDiff(theirs))));
  assert.equal(parseDiff(ours).length, 10);
  assert.match(ours, /^Binary files a\/logo\.png and b\/logo\.png differ$/m);
  assert.match(ours, /^rename from src\/old name\.ts\nrename to src\/new name\.ts$/m);
});

Deno.test("fileDiff: an unchanged file is nothing, a pure rename is its header only", async () => {
  const unchanged = (newPath: string) =>
    fileDiff({ oldPath: "a.ts", newPath, oldContent: enc("x\n"), newContent: enc("x\n") });
  assert.equal(await unchanged("a.ts"), "");
  assert.equal(
    await unchanged("b.ts"),
    "diff --git a/a.ts b/b.ts\nsimilarity index 100%\nrename from a.ts\nrename to b.ts\n",
  );
  const added = await fileDiff({
    oldPath: null,
    newPath: "bin",
    oldContent: null,
    newContent: enc("\0"),
  });
  assert.equal(
    added,
    "diff --git a/bin b/bin\nnew file mode 100644\nBinary files /dev/null and b/bin differ\n",
  );
});

Deno.test("isBinary follows git: a NUL byte in the first 8000 bytes", () => {
  assert.equal(isBinary(enc("plain text, café\n")), false);
  assert.equal(isBinary(new Uint8Array([0xff, 0xfe, 0x41])), false, "not UTF-8 is still text");
  assert.equal(isBinary(new Uint8Array([65, 0, 66])), true);
  const late = new Uint8Array(9000).fill(65);
  late[8500] = 0;
  assert.equal(isBinary(late), false);
});
