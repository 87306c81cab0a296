/**
 * Enclosing scopes found by a real parser: tree-sitter compiled to WebAssembly
 * (`web-tree-sitter`), with the grammars of `@vscode/tree-sitter-wasm`. The runtime and each
 * grammar are loaded on first use and kept for the life of the process, so a server that never
 * reviews Rust never loads Rust's grammar, and one that does loads it once.
 * @module
 */
import type { Language, Node, Parser } from "web-tree-sitter";
import type { Grammar } from "./languages.ts";

type TreeSitter = typeof import("web-tree-sitter");

/** The longest one file is parsed for; past it the keyword method is used. */
export const MAX_PARSE_MS = 1_000;

let runtime: Promise<TreeSitter> | null = null;
const languages = new Map<string, Promise<Language>>();

function loadRuntime(): Promise<TreeSitter> {
  runtime ??= (async () => {
    const module = await import("web-tree-sitter");
    await module.Parser.init();
    return module;
  })();
  // A failed load is not cached: the next review tries again.
  runtime.catch(() => runtime = null);
  return runtime;
}

function loadLanguage(ts: TreeSitter, grammar: Grammar): Promise<Language> {
  let language = languages.get(grammar.wasm);
  if (!language) {
    // The package's main module sits in its wasm/ folder, next to the grammars.
    const url = new URL(grammar.wasm, import.meta.resolve("@vscode/tree-sitter-wasm"));
    language = Deno.readFile(url).then((bytes) => ts.Language.load(bytes));
    language.catch(() => languages.delete(grammar.wasm));
    languages.set(grammar.wasm, language);
  }
  return language;
}

/**
 * For each of `targets` (a line number, 1-based, and the first line of its hunk), the line
 * numbers of the scopes enclosing the target line that open above its hunk, outermost first:
 * the function, class or block the change sits in. Null when the grammar cannot be loaded or
 * `source` does not parse cleanly, so the caller falls back to the keyword method.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grammarFor } from "./languages.ts";
 * import { treeSitterScopes } from "./tree_sitter.ts";
 *
 * const source = "def load(rows):\n    first = rows[0]\n    return first\n";
 * const scopes = await treeSitterScopes(grammarFor("a.py")!, source, [{ line: 3, top: 3 }]);
 * assert.deepEqual(scopes, [[1]]);
 * ```
 */
export async function treeSitterScopes(
  grammar: Grammar,
  source: string,
  targets: readonly { line: number; top: number }[],
): Promise<number[][] | null> {
  let parser: Parser | null = null;
  try {
    const ts = await loadRuntime();
    const language = await loadLanguage(ts, grammar);
    parser = new ts.Parser();
    parser.setLanguage(language);
    // A file crafted to make the parser slow is given up on, as is one that does not parse:
    // either way the keyword method answers.
    const deadline = performance.now() + MAX_PARSE_MS;
    const tree = parser.parse(source, null, {
      progressCallback: (state) => state.hasError || performance.now() > deadline,
    });
    if (!tree) return null;
    try {
      if (tree.rootNode.hasError) return null;
      const lines = source.split("\n");
      return targets.map(({ line, top }) => {
        const row = line - 1;
        const column = (lines[row] ?? "").search(/\S|$/);
        const rows = new Set<number>();
        for (
          let node: Node | null = tree.rootNode.descendantForPosition({ row, column });
          node;
          node = node.parent
        ) {
          const start = node.startPosition.row;
          if (grammar.scopes.has(node.type) && start + 1 < top) rows.add(start + 1);
        }
        return [...rows].sort((a, b) => a - b);
      });
    } finally {
      tree.delete();
    }
  } catch {
    return null;
  } finally {
    parser?.delete();
  }
}
