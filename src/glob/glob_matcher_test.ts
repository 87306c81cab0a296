import assert from "node:assert/strict";
import picomatch from "picomatch";
import { globMatcher } from "./glob_matcher.ts";

const PATTERNS = [
  "*.md",
  "docs/**",
  "**/docs/**",
  "src/*.ts",
  "src/**/*.ts",
  "*.{ts,tsx}",
  "src/{a,b/{c,d}}/*",
  "**/*_test.ts",
  "?.ts",
  "[ab].ts",
  "[a-c]*.js",
  "a\\*b",
  "**",
  "*",
  "dist/**",
  "**/node_modules/**",
  "release/*",
  "main",
  "feature/**",
  "*.min.*",
  "zz_generated.*",
  "docs/my *.txt",
  "src/café/**",
  "**/x/**/y",
  ".github/**",
  "*.{json,yaml,yml}",
  "a/**/b",
];
const PATHS = [
  "README.md",
  "docs/a.md",
  "docs",
  "docs/x/y.md",
  "a/docs/b",
  "src/a.ts",
  "src/a/b.ts",
  "a.tsx",
  "src/a/x",
  "src/b/c/z",
  "src/b/e/z",
  "x/y_test.ts",
  "a.ts",
  "c.ts",
  "b.js",
  "a*b",
  "ab",
  "dist/a/b.js",
  "dist",
  "web/node_modules/p/i.js",
  "release/1.0",
  "release/1/2",
  "main",
  "feature/x/y",
  "app.min.js",
  "zz_generated.deep.go",
  "docs/my notes.txt",
  "src/café/x",
  "p/x/q/r/y",
  "x/y",
  ".github/workflows/ci.yml",
  "conf.yaml",
  "a/b",
  "a/x/y/b",
  ".env",
  "src/.hidden.ts",
  "a/.b/c.ts",
];

Deno.test("globMatcher matches as picomatch (dot: true) does on ordinary globs", () => {
  for (const pattern of PATTERNS) {
    const expected = picomatch(pattern, { dot: true, windows: false });
    const actual = globMatcher([pattern]);
    for (const path of PATHS) {
      assert.equal(actual(path), expected(path), `${pattern} against ${path}`);
    }
  }
});

Deno.test("catastrophic globs: hostile patterns match a 255-character path within a second", () => {
  const name = "a".repeat(255);
  const path = Array.from({ length: 120 }, () => "a").join("/");
  const started = performance.now();
  for (
    const pattern of [
      "@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)z",
      "@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)z",
      "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*z",
      "?*?*?*?*?*?*?*?*z",
      "**/a/**/a/**/a/**/a/**/a/**/z",
    ]
  ) {
    assert.equal(globMatcher([pattern])(name), false, pattern);
    assert.equal(globMatcher([pattern])(path), false, pattern);
  }
  // A safety bound, not a speed figure: a backtracking regular expression takes minutes.
  assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
});

Deno.test("a glob whose braces expand past the limit is refused", () => {
  assert.throws(() => globMatcher(["{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"]), /more than 64/);
});
