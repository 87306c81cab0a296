/**
 * Synthetic diffs of a chosen size, for the benchmarks that review many changed lines
 * (`bench/review.ts`, `bench/e2e.ts`): files of hunks of about 25 lines, each adding calls and
 * removing two legacy lines, with the line numbers a parser checks, and each file's new side
 * (every hunk inside a function that opens five lines above it), for `review.context`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDiff } from "./synthetic_diff.ts";
 *
 * const { diff, sources } = syntheticDiff(2, 40);
 * assert.equal(diff.match(/^diff --git /gm)?.length, 2);
 * assert.equal(diff.match(/^\+  const value/gm)?.length, 36); // 40 changed, 4 of them removals
 * assert.equal(sources.size, 2);
 * ```
 * @module
 */

/**
 * A git-style diff of `files` files with `lines` changed lines in all, in hunks of ~25, and the
 * new side of each file: every hunk inside a function that opens five lines above it.
 */
export function syntheticDiff(
  files: number,
  lines: number,
): { diff: string; sources: Map<string, string> } {
  const perFile = Math.floor(lines / files);
  let out = "";
  const sources = new Map<string, string>();
  for (let f = 0; f < files; f++) {
    const path = `src/module_${f % 20}/file_${f}.ts`;
    const source: string[] = [];
    const put = (line: number, text: string) => {
      while (source.length < line - 1) source.push("  step();");
      source[line - 1] = text;
    };
    out +=
      `diff --git a/${path} b/${path}\nindex 1111111..2222222 100644\n--- a/${path}\n+++ b/${path}\n`;
    let oldLine = 10;
    let newLine = 10;
    for (let done = 0; done < perFile;) {
      const adds = Math.min(20, perFile - done);
      const dels = Math.min(2, adds);
      out += `@@ -${oldLine},${3 + dels + 3} +${newLine},${
        3 + adds + 3
      } @@ export function f${f}() {\n`;
      put(newLine - 5, `export async function f${f}_${done}(service: Service) {`);
      let at = newLine;
      const context = (text: string) => {
        out += ` ${text}\n`;
        put(at++, text);
      };
      for (let c = 0; c < 3; c++) context(`const context${c} = compute(${c}, "unchanged");`);
      for (let d = 0; d < dels; d++) out += `-  const old${d} = legacy(${d});\n`;
      for (let a = 0; a < adds - dels; a++) {
        const text = `  const value${done + a} = await service.call("${path}", ${
          done + a
        }, { retry: true });`;
        out += `+${text}\n`;
        put(at++, text);
      }
      for (let c = 0; c < 3; c++) context(`const trailing${c} = compute(${c}, "unchanged");`);
      put(at, "}");
      done += adds;
      oldLine += 40;
      newLine += 40 + adds - dels;
    }
    sources.set(path, source.join("\n") + "\n");
  }
  return { diff: out, sources };
}
