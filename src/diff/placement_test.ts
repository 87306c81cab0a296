import assert from "node:assert/strict";
import { parseDiff, placementProblem, rangeStart } from "./mod.ts";
import { makeRepo } from "../../tests/git_repo.ts";

const lines = (texts: string[]) => texts.map((t) => `${t}\n`).join("");
const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

/**
 * A diff from git: src/db.ts with old lines 2-3 replaced by new 2-5 and a line added as new 43
 * (hunks new 1-8 and 40-45 with git's three lines of context); old.ts renamed to moved.ts with
 * its line 2 changed (new 1-3); gone.ts deleted; logo.png binary.
 */
async function changes() {
  await using repo = await makeRepo();
  await repo.write("src/db.ts", lines(numbered(1, 42)));
  await repo.write("old.ts", lines(["keep", "drop", "keep"]));
  await repo.write("gone.ts", lines(["a", "b"]));
  await repo.write("logo.png", new Uint8Array([0x89, 0, 1, 2]));
  const base = await repo.commit("base");
  const db = numbered(1, 42);
  db.splice(40, 0, "added");
  db.splice(1, 2, "two", "three", "four", "five");
  await repo.write("src/db.ts", lines(db));
  await repo.remove("old.ts");
  await repo.write("moved.ts", lines(["keep", "add", "keep"]));
  await repo.remove("gone.ts");
  await repo.write("logo.png", new Uint8Array([0x89, 0, 3, 4]));
  const head = await repo.commit("change");
  return parseDiff(await repo.git("diff", "-M", base, head));
}

const FILES = await changes();

const at = (path: string, line: number, startLine?: number) => ({ path, line, startLine });

// The cases of adapters/gitea/_anchors_test.ts, adapters/bitbucket/_anchors_test.ts (moved here)
// and the rejections of adapters/azure_devops/adapter_test.ts, each of which had its own wording.
Deno.test("placementProblem: added and context lines of the new side, a range in one hunk", () => {
  const placed: [ReturnType<typeof at>, string][] = [
    [at("src/db.ts", 43), "an added line"],
    [at("src/db.ts", 1), "a context line"],
    [at("src/db.ts", 5, 2), "a range"],
    [at("src/db.ts", 4, 4), "a range of one line"],
    [at("moved.ts", 2), "a renamed file"],
    [at("moved.ts", 3, 1), "a range in a renamed file"],
    [at("moved.ts", 3, 3), "a range of one line in a renamed file"],
  ];
  for (const [c, what] of placed) assert.equal(placementProblem(FILES, c), null, what);
});

Deno.test("placementProblem: what cannot be placed, with one wording for each reason", () => {
  const refused: [ReturnType<typeof at>, string][] = [
    [at("src/db.ts", 20), "line 20 of src/db.ts is not part of the diff"],
    [at("README.md", 1), "README.md is not a file of the diff"],
    [at("old.ts", 1), "old.ts is not a file of the diff"],
    [at("logo.png", 1), "logo.png is a binary file"],
    [at("src/db.ts", 43, 5), "lines 5-43 of src/db.ts are not in one hunk of the diff"],
    [at("src/db.ts", 4, 6), "the range 6-4 of src/db.ts starts after it ends"],
    [at("src/db.ts", 4.5), "line 4.5 of src/db.ts is not part of the diff"],
    // The old name of a rename, and a deleted file.
    [at("old.ts", 2), "old.ts is not a file of the diff"],
    [at("gone.ts", 1), "gone.ts is not a file of the diff"],
    [at("moved.ts", 4), "line 4 of moved.ts is not part of the diff"],
    [at("moved.ts", 1.5), "line 1.5 of moved.ts is not part of the diff"],
    [at("moved.ts", 1, 3), "the range 3-1 of moved.ts starts after it ends"],
  ];
  for (const [c, reason] of refused) assert.equal(placementProblem(FILES, c), reason);
});

Deno.test("rangeStart: a start equal to the line is a single line", () => {
  assert.deepEqual(
    [at("a", 7, 5), at("a", 7, 7), at("a", 7), at("a", 5, 7)].map(rangeStart),
    [5, undefined, undefined, 7],
  );
});
