import assert from "node:assert/strict";
import { grammarFor } from "./languages.ts";
import { keywordScopes } from "./keyword_scopes.ts";

Deno.test("the keyword method finds a Perl sub and its block above the change", () => {
  const source = "package Db;\n\nsub find {\n  my ($id) = @_;\n  foreach my $r (@rows) {\n" +
    "    print $r;\n    next;\n  }\n}\n";
  assert.equal(grammarFor("lib/Db.pm"), null);
  assert.deepEqual(keywordScopes(source, [{ line: 7, top: 7 }]), [[3, 5]]);
});

Deno.test("the keyword method finds a Lua function by indentation, past closed blocks", () => {
  const source = "local function find(id)\n  if id then\n    x()\n  end\n  return id\nend\n";
  assert.deepEqual(keywordScopes(source, [{ line: 5, top: 5 }]), [[1]]);
});

Deno.test("the keyword method finds a YAML key's parents by indentation", () => {
  const source = "jobs:\n  test:\n    steps:\n      - run: make\n";
  assert.deepEqual(keywordScopes(source, [{ line: 4, top: 4 }]), [[1, 2, 3]]);
});

Deno.test("the keyword method shows nothing for a change at the top level", () => {
  assert.deepEqual(keywordScopes("a = 1\nb = 2\n", [{ line: 2, top: 2 }]), [[]]);
});

Deno.test("the keyword method looks above the hunk, not inside it", () => {
  const source = "sub find {\n  sub inner {\n    x();\n  }\n}\n";
  // The hunk starts at line 2: "sub inner {" is shown in the hunk itself.
  assert.deepEqual(keywordScopes(source, [{ line: 3, top: 2 }]), [[1]]);
});

Deno.test("a minified line above the change is never shown as its scope", () => {
  const minified = "x:".repeat(200_000);
  const source = `${minified}\n  y = 1\n`;
  // It ends in ":" like a Python opener, but 400,000 characters of it would crowd out the diff.
  assert.deepEqual(keywordScopes(source, [{ line: 2, top: 2 }]), [[]]);
});
