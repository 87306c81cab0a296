import assert from "node:assert/strict";
import { scanImports } from "./_scan_imports.ts";

const specifiers = (source: string) => scanImports(source).map((r) => r.specifier);

Deno.test("scanImports finds every static form of import and re-export", () => {
  const source = [
    'import "./side_effect.ts";',
    'import a from "./default.ts";',
    'import * as ns from "./namespace.ts";',
    'import b, { c as d, type E } from "./mixed.ts";',
    'import type { F } from "./types.ts";',
    "import {",
    "  g,",
    "  h,",
    '} from "./multi_line.ts";',
    'export * from "./star.ts";',
    'export * as sub from "./star_as.ts";',
    'export { i, j as k } from "./named.ts";',
    'export type { L } from "./type_named.ts";',
    'export type * from "./type_star.ts";',
    'import data from "./data.json" with { type: "json" };',
  ].join("\n");
  assert.deepEqual(specifiers(source), [
    "./side_effect.ts",
    "./default.ts",
    "./namespace.ts",
    "./mixed.ts",
    "./types.ts",
    "./multi_line.ts",
    "./star.ts",
    "./star_as.ts",
    "./named.ts",
    "./type_named.ts",
    "./type_star.ts",
    "./data.json",
  ]);
});

Deno.test("scanImports finds dynamic imports with a literal and skips computed ones", () => {
  const source = [
    'const a = await import("./dynamic.ts");',
    "const b = await import(`./template.ts`);",
    'const c = await import("./with_options.json", { with: { type: "json" } });',
    "const d = await import(`./${name}.ts`);",
    "const e = await import(path);",
    "type T = typeof import('./type_level.ts');",
  ].join("\n");
  assert.deepEqual(specifiers(source), [
    "./dynamic.ts",
    "./template.ts",
    "./with_options.json",
    "./type_level.ts",
  ]);
});

Deno.test("scanImports reports the line each specifier is on", () => {
  const source =
    '// header\n\nimport {\n  a,\n} from "./a.ts";\n/* a\nblock */\nexport * from "./b.ts";';
  assert.deepEqual(scanImports(source), [
    { specifier: "./a.ts", line: 5 },
    { specifier: "./b.ts", line: 8 },
  ]);
});

Deno.test("scanImports ignores import text inside comments, strings, templates and regexes", () => {
  const source = [
    '// import "./line_comment.ts";',
    '/* export * from "./block_comment.ts"; */',
    "const s = 'import \"./single.ts\"';",
    'const t = "export * from \\"./double.ts\\"";',
    'const u = `import x from "./template.ts"; ${"import(\\"./in_substitution.ts\\")".length}`;',
    "const r = /['\"`]/g.test(s) ? s.split(/\\//) : [];",
    "const q = a / b / c;",
    'import { real } from "./real.ts";',
    "const meta = import.meta.url;",
    "const prop = loader.import;",
  ].join("\n");
  assert.deepEqual(specifiers(source), ["./real.ts"]);
});

Deno.test("scanImports does not mistake declarations named like modules for imports", () => {
  const source = [
    "export { a, b };",
    'export type T = { from: "x" };',
    "export const from = 1;",
    'import fs = require("fs");',
    'export { c } from "./after.ts";',
  ].join("\n");
  assert.deepEqual(specifiers(source), ["./after.ts"]);
});
