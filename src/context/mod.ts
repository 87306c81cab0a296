/**
 * The code around a hunk that a prompt shows besides the diff (`review.context`): the lines
 * opening its enclosing function, class or block, found by tree-sitter where Loom ships a
 * grammar and by indentation and keywords elsewhere, and small files whole.
 * @module
 */
export {
  buildContexts,
  type BuildContextsInput,
  MAX_CONTEXT_FILE_BYTES,
  MAX_CONTEXT_FILES,
} from "./build_contexts.ts";
export { type ContextMode, type FileContext, fileContext } from "./file_context.ts";
export { type Grammar, grammarFor, GRAMMARS } from "./languages.ts";
