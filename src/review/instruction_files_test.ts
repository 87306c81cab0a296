import assert from "node:assert/strict";
import { MAX_INSTRUCTIONS_FILE_BYTES, readInstructionFiles } from "./instruction_files.ts";
import { renderInstructionFile } from "./team_rules.ts";
import { countTokens } from "./tokens.ts";

const DEFAULT = [".loom/instructions.md", "AGENTS.md", "CLAUDE.md", "REVIEW.md"];

/** A repository's base branch as a reader: missing files are null, `failing` ones throw. */
function repo(files: Record<string, string>, failing: string[] = []) {
  const asked: string[] = [];
  const read = (path: string) => {
    asked.push(path);
    if (failing.includes(path)) return Promise.reject(new Error(`503 reading ${path}`));
    return Promise.resolve(files[path] ?? null);
  };
  return { read, asked };
}

const rendered = (files: { path: string; text: string; cut?: boolean }[]) =>
  files.reduce((n, f) => n + countTokens(renderInstructionFile(f)), 0);

Deno.test("instruction files are read in the configured order; missing and empty ones are skipped silently", async () => {
  const { read, asked } = repo({
    "AGENTS.md": "Use the logger.\n",
    "CLAUDE.md": "  \n",
    "REVIEW.md": "Money is integer cents.\n",
  });
  const got = await readInstructionFiles(DEFAULT, read, 4000);
  assert.deepEqual(asked, DEFAULT);
  assert.deepEqual(got, {
    files: [
      { path: "AGENTS.md", text: "Use the logger.\n" },
      { path: "REVIEW.md", text: "Money is integer cents.\n" },
    ],
    leftOut: [],
    failed: [],
  });
});

Deno.test("over the token budget the first files win: the one crossing it is cut and says so, later ones are left out", async () => {
  const long = Array.from({ length: 300 }, (_, i) => `Rule ${i}: check every input.\n`).join("");
  const { read } = repo({
    ".loom/instructions.md": "Loom-specific rule.\n",
    "AGENTS.md": long,
    "CLAUDE.md": "Never seen.\n",
  });
  const got = await readInstructionFiles(DEFAULT, read, 600);
  assert.deepEqual(got.files.map((f) => [f.path, f.cut ?? false]), [
    [".loom/instructions.md", false],
    ["AGENTS.md", true],
  ]);
  assert.deepEqual(got.leftOut, ["CLAUDE.md"]);
  const cut = got.files[1];
  assert.ok(long.startsWith(cut.text), "a cut keeps the file's beginning");
  assert.ok(cut.text.endsWith("\n"), "and ends at a line");
  assert.match(cut.text, /Rule 0: check every input/);
  assert.ok(rendered(got.files) <= 600, "what is sent, counted as sent, fits the budget");
  assert.ok(rendered(got.files) > 500, "and the budget is used, not wasted");
  assert.match(renderInstructionFile(cut), /^### From AGENTS\.md \(cut: /);
});

Deno.test("a file over the size cap is cut at the cap before the budget is counted", async () => {
  const huge = "é".repeat(MAX_INSTRUCTIONS_FILE_BYTES); // 2 bytes each: twice the cap
  const { read } = repo({ "AGENTS.md": huge });
  const got = await readInstructionFiles(["AGENTS.md"], read, 16000);
  assert.equal(got.files.length, 1);
  const [file] = got.files;
  assert.equal(file.cut, true);
  assert.ok(new TextEncoder().encode(file.text).length <= MAX_INSTRUCTIONS_FILE_BYTES);
  assert.ok(file.text.length > 0 && /^é+$/.test(file.text), "cut between characters");
});

Deno.test("a file that fails to read for another reason is reported and the others are still read", async () => {
  const { read } = repo({ "REVIEW.md": "Keep handlers small.\n" }, ["AGENTS.md"]);
  const got = await readInstructionFiles(DEFAULT, read, 4000);
  assert.deepEqual(got.files.map((f) => f.path), ["REVIEW.md"]);
  assert.deepEqual(got.failed, [{ path: "AGENTS.md", error: "503 reading AGENTS.md" }]);
});

Deno.test("a budget of 0 sends no instruction file and reads none", async () => {
  const { read, asked } = repo({ "AGENTS.md": "x\n" });
  const got = await readInstructionFiles(DEFAULT, read, 0);
  assert.deepEqual(got.files, []);
  assert.deepEqual(asked, []);
});

Deno.test("a budget too small for a useful cut leaves the file out rather than sending a scrap", async () => {
  const { read } = repo({ "AGENTS.md": "A rule that is long enough to matter. ".repeat(50) });
  const got = await readInstructionFiles(["AGENTS.md"], read, 20);
  assert.deepEqual(got.files, []);
  assert.deepEqual(got.leftOut, ["AGENTS.md"]);
});
