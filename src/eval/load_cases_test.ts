import assert from "node:assert/strict";
import { loadEvalSet } from "./load_cases.ts";

async function setDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path.split("/")[0]}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  return dir;
}

const GOOD = `language: go
kind: clean
diff: |
  --- a/x.go
  +++ b/x.go
  @@ -1,1 +1,2 @@
   a
  +b
expected: []
`;

Deno.test("eval set: a malformed case file gets a clear error naming the file", async () => {
  const dir = await setDir({
    "a-good/case.yaml": GOOD,
    "b-typo/case.yaml": GOOD.replace("expected: []", "expect: []"),
    "c-yaml/case.yaml": "language: [go\n",
    "d-path/case.yaml": GOOD.replace("expected: []", "expected: [{path: y.go, lines: [2, 2]}]"),
  });
  try {
    const result = await loadEvalSet(dir);
    assert.ok(!result.ok);
    assert.equal(result.errors.length, 4);
    assert.match(result.errors[0], new RegExp(`^${dir}/b-typo/case.yaml: expected: `));
    assert.match(result.errors[1], /b-typo\/case.yaml: \(top level\): .*expect/);
    assert.match(result.errors[2], /c-yaml\/case.yaml: invalid YAML/);
    assert.match(result.errors[3], /d-path\/case.yaml: expected\[0\]: y.go is not a file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval set: an oversized case file is refused, not read whole", async () => {
  const dir = await setDir({ "big/case.yaml": GOOD + "#".repeat(70_000) + "\n" });
  try {
    const result = await loadEvalSet(dir);
    assert.deepEqual(result, {
      ok: false,
      errors: [`${dir}/big/case.yaml: larger than 65536 bytes`],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval set: a missing directory is an error, not a crash", async () => {
  const result = await loadEvalSet("/nonexistent/eval-set");
  assert.deepEqual(result, { ok: false, errors: ["/nonexistent/eval-set: no such directory"] });
});
