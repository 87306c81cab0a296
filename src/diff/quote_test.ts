import assert from "node:assert/strict";
import { quotePath, readQuoted, unquotePath } from "./quote.ts";

Deno.test("unquotePath: octal escapes are bytes of UTF-8", () => {
  assert.equal(unquotePath('"caf\\303\\251.txt"'), "café.txt");
  assert.equal(unquotePath('"\\360\\237\\230\\200.md"'), "😀.md");
  assert.equal(unquotePath('"a\\tb\\nc\\"d\\\\e"'), 'a\tb\nc"d\\e');
});

Deno.test("unquotePath: unquoted text and raw non-ASCII are kept", () => {
  assert.equal(unquotePath("plain name.txt"), "plain name.txt");
  assert.equal(unquotePath('"naïve \\"x\\".txt"'), 'naïve "x".txt');
});

Deno.test("unquotePath: a byte that is not UTF-8 becomes U+FFFD instead of failing", () => {
  assert.equal(unquotePath('"caf\\351.txt"'), "caf\uFFFD.txt");
});

Deno.test("readQuoted: reports where the quoted path ends, or null when it never does", () => {
  assert.deepEqual(readQuoted('"a/x y" "b/x y"', 0), { value: "a/x y", end: 7 });
  assert.equal(readQuoted('"a/never closed', 0), null);
});

Deno.test("quotePath: quotes only what a reader could misread, and round-trips", () => {
  assert.equal(quotePath("src/café file.ts"), "src/café file.ts");
  for (const name of ['say "hi"', "back\\slash", "new\nline", "tab\there", "bell\x07"]) {
    const quoted = quotePath(name);
    assert.ok(quoted.startsWith('"') && !quoted.slice(1, -1).includes("\n"), quoted);
    assert.equal(unquotePath(quoted), name);
  }
});
