/**
 * Which languages Loom parses with tree-sitter to find a hunk's enclosing scope, by file name,
 * and which syntax nodes open a scope in each. Every other file gets the keyword method
 * (`keyword_scopes.ts`).
 * @module
 */

/** A tree-sitter grammar Loom ships (the `.wasm` of `@vscode/tree-sitter-wasm`). */
export interface Grammar {
  /** The language's name, as the README's table shows it. */
  name: string;
  /** The grammar's file in `@vscode/tree-sitter-wasm/wasm/`. */
  wasm: string;
  /** Node types whose first line opens a scope: functions, classes, blocks. */
  scopes: ReadonlySet<string>;
}

const JS_SCOPES = [
  "function_declaration",
  "generator_function_declaration",
  "function_expression",
  "function",
  "arrow_function",
  "method_definition",
  "class_declaration",
  "class",
  "abstract_class_declaration",
  "interface_declaration",
  "enum_declaration",
  "internal_module",
  "module",
  "if_statement",
  "for_statement",
  "for_in_statement",
  "while_statement",
  "do_statement",
  "switch_statement",
  "try_statement",
];
const C_LIKE_BLOCKS = [
  "if_statement",
  "for_statement",
  "while_statement",
  "do_statement",
  "switch_statement",
  "try_statement",
];

function grammar(name: string, wasm: string, scopes: string[]): Grammar {
  return { name, wasm, scopes: new Set(scopes) };
}

const JAVASCRIPT = grammar("JavaScript", "tree-sitter-javascript.wasm", JS_SCOPES);
const TYPESCRIPT = grammar("TypeScript", "tree-sitter-typescript.wasm", JS_SCOPES);
const TSX = grammar("TSX", "tree-sitter-tsx.wasm", JS_SCOPES);
const PYTHON = grammar("Python", "tree-sitter-python.wasm", [
  "function_definition",
  "class_definition",
  "if_statement",
  "for_statement",
  "while_statement",
  "with_statement",
  "try_statement",
  "match_statement",
]);
const GO = grammar("Go", "tree-sitter-go.wasm", [
  "function_declaration",
  "method_declaration",
  "func_literal",
  "type_declaration",
  "if_statement",
  "for_statement",
  "expression_switch_statement",
  "type_switch_statement",
  "select_statement",
]);
const RUST = grammar("Rust", "tree-sitter-rust.wasm", [
  "function_item",
  "impl_item",
  "trait_item",
  "struct_item",
  "enum_item",
  "mod_item",
  "closure_expression",
  "if_expression",
  "for_expression",
  "while_expression",
  "loop_expression",
  "match_expression",
]);
const JAVA = grammar("Java", "tree-sitter-java.wasm", [
  "class_declaration",
  "interface_declaration",
  "enum_declaration",
  "record_declaration",
  "method_declaration",
  "constructor_declaration",
  "lambda_expression",
  "enhanced_for_statement",
  ...C_LIKE_BLOCKS,
]);
const RUBY = grammar("Ruby", "tree-sitter-ruby.wasm", [
  "method",
  "singleton_method",
  "class",
  "singleton_class",
  "module",
  "if",
  "unless",
  "while",
  "until",
  "for",
  "case",
  "do_block",
  "begin",
]);
const CSHARP = grammar("C#", "tree-sitter-c-sharp.wasm", [
  "class_declaration",
  "struct_declaration",
  "interface_declaration",
  "enum_declaration",
  "record_declaration",
  "namespace_declaration",
  "method_declaration",
  "constructor_declaration",
  "local_function_statement",
  "property_declaration",
  "foreach_statement",
  ...C_LIKE_BLOCKS,
]);
// One grammar for C and C++: C++'s parses C's functions, structs and blocks as well.
const CPP = grammar("C and C++", "tree-sitter-cpp.wasm", [
  "function_definition",
  "class_specifier",
  "struct_specifier",
  "namespace_definition",
  "lambda_expression",
  "for_range_loop",
  ...C_LIKE_BLOCKS,
]);

const BY_EXTENSION: Record<string, Grammar> = {
  js: JAVASCRIPT,
  mjs: JAVASCRIPT,
  cjs: JAVASCRIPT,
  jsx: JAVASCRIPT,
  ts: TYPESCRIPT,
  mts: TYPESCRIPT,
  cts: TYPESCRIPT,
  tsx: TSX,
  py: PYTHON,
  pyi: PYTHON,
  go: GO,
  rs: RUST,
  java: JAVA,
  rb: RUBY,
  cs: CSHARP,
  c: CPP,
  h: CPP,
  cc: CPP,
  cpp: CPP,
  cxx: CPP,
  hh: CPP,
  hpp: CPP,
};

/** Every grammar Loom ships, once each. */
export const GRAMMARS: readonly Grammar[] = [...new Set(Object.values(BY_EXTENSION))];

/**
 * The grammar for `path` by its extension (case-insensitive), or null: the keyword method then.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grammarFor } from "./languages.ts";
 *
 * assert.equal(grammarFor("src/app.TS")?.name, "TypeScript");
 * assert.equal(grammarFor("lib/tool.pl"), null);
 * ```
 */
export function grammarFor(path: string): Grammar | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null;
}
