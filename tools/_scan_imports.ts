/**
 * Finds the module specifiers a TypeScript file imports, without a TypeScript parser: JSR (where
 * Deno's own `@deno/graph` lives) is unreachable here, and a small lexer that knows strings,
 * comments, template literals and regular expressions is enough to tell `import "x"` in code from
 * the same text inside a string or a comment.
 */

/** One specifier found in a file, with the 1-based line its string starts on. */
export interface ImportRef {
  specifier: string;
  line: number;
}

type Token =
  | { kind: "name"; text: string; line: number }
  | { kind: "punct"; text: string; line: number }
  | { kind: "string"; text: string; line: number }
  | { kind: "other"; text: string; line: number };

// After these keywords a `/` starts a regular expression, not a division.
const REGEX_AFTER_KEYWORD = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/**
 * Lists the specifiers of every static `import … from`, side-effect `import "…"`, `import type`,
 * `export … from` and dynamic `import("…")` with a literal argument in `source`, in source order.
 *
 * @example
 * ```ts
 * import { scanImports } from "./_scan_imports.ts";
 * import assert from "node:assert/strict";
 *
 * const refs = scanImports('import { a } from "./a.ts";\nconst s = "import \\"./no.ts\\"";');
 * assert.deepEqual(refs, [{ specifier: "./a.ts", line: 1 }]);
 * ```
 */
export function scanImports(source: string): ImportRef[] {
  const tokens = tokenize(source);
  const refs: ImportRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== "name" || (t.text !== "import" && t.text !== "export")) continue;
    // `x.import` is a property, not a declaration.
    if (tokens[i - 1]?.kind === "punct" && tokens[i - 1].text === ".") continue;
    const found = t.text === "import" ? importAt(tokens, i + 1) : exportAt(tokens, i + 1);
    if (found) refs.push({ specifier: found.text, line: found.line });
  }
  return refs;
}

function importAt(tokens: Token[], i: number): Token | undefined {
  const next = tokens[i];
  if (!next) return undefined;
  if (next.kind === "string") return next;
  if (next.kind === "punct" && next.text === "(") {
    const arg = tokens[i + 1];
    const after = tokens[i + 2];
    if (
      arg?.kind === "string" && after?.kind === "punct" &&
      (after.text === ")" || after.text === ",")
    ) {
      return arg;
    }
    return undefined;
  }
  return clauseThenFrom(tokens, i);
}

function exportAt(tokens: Token[], i: number): Token | undefined {
  let j = i;
  if (tokens[j]?.kind === "name" && tokens[j].text === "type") j++;
  const head = tokens[j];
  if (head?.kind !== "punct" || (head.text !== "*" && head.text !== "{")) return undefined;
  return clauseThenFrom(tokens, i);
}

// Walks an import or export clause (`x`, `* as x`, `{ a, type b as c }`, `type X`) to the string
// after `from`; anything else means this is not a module declaration (`export { a };`,
// `import x = require(…)`, `export type T = …`).
function clauseThenFrom(tokens: Token[], i: number): Token | undefined {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.kind === "punct") {
      if (t.text === "{") depth++;
      else if (t.text === "}") {
        depth--;
        if (depth < 0) return undefined;
        if (depth === 0) {
          const from = tokens[j + 1];
          if (from?.kind !== "name" || from.text !== "from") return undefined;
        }
      } else if (t.text !== "," && t.text !== "*") return undefined;
    } else if (t.kind === "name") {
      if (t.text === "from" && depth === 0 && tokens[j + 1]?.kind === "string") {
        return tokens[j + 1];
      }
    } else if (t.kind === "string") {
      // `export { "a-b" as c } from …` names exports with strings; only inside braces.
      if (depth === 0) return undefined;
    } else return undefined;
  }
  return undefined;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // Each open template literal's `${` depth: a `}` at that depth resumes the template.
  const templates: number[] = [];
  let braces = 0;
  let line = 1;
  let i = 0;
  const n = source.length;

  const regexAllowed = (): boolean => {
    const prev = tokens[tokens.length - 1];
    if (!prev) return true;
    if (prev.kind === "punct") return prev.text !== ")" && prev.text !== "]" && prev.text !== "}";
    if (prev.kind === "name") return REGEX_AFTER_KEYWORD.has(prev.text);
    return false;
  };

  // Reads a template literal's text from `i` (just past "`" or "}") to its end or its next `${`;
  // only a whole template without substitutions counts as a string.
  const template = (whole: boolean): void => {
    const start = line;
    let text = "";
    while (i < n) {
      const c = source[i];
      if (c === "\\") {
        text += source[i + 1] ?? "";
        if (source[i + 1] === "\n") line++;
        i += 2;
      } else if (c === "`") {
        i++;
        tokens.push({ kind: whole ? "string" : "other", text, line: start });
        return;
      } else if (c === "$" && source[i + 1] === "{") {
        i += 2;
        tokens.push({ kind: "other", text: "`…${", line: start });
        templates.push(braces);
        braces++;
        return;
      } else {
        if (c === "\n") line++;
        text += c;
        i++;
      }
    }
  };

  while (i < n) {
    const c = source[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      for (let k = i; k < stop; k++) if (source[k] === "\n") line++;
      i = stop;
    } else if (c === "'" || c === '"') {
      const start = line;
      let text = "";
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") {
          text += source[i + 1] ?? "";
          i += 2;
        } else text += source[i++];
      }
      i++;
      tokens.push({ kind: "string", text, line: start });
    } else if (c === "`") {
      i++;
      template(true);
    } else if (c === "/" && regexAllowed()) {
      let inClass = false;
      i++;
      while (i < n && source[i] !== "\n") {
        const r = source[i];
        if (r === "\\") i++;
        else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/i.test(source[i])) i++;
      tokens.push({ kind: "other", text: "/regex/", line });
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(source[j])) j++;
      tokens.push({ kind: "name", text: source.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(source[j])) j++;
      tokens.push({ kind: "other", text: source.slice(i, j), line });
      i = j;
    } else {
      if (c === "{") braces++;
      else if (c === "}") {
        braces--;
        if (templates.length > 0 && templates[templates.length - 1] === braces) {
          templates.pop();
          i++;
          template(false);
          continue;
        }
      }
      tokens.push({ kind: "punct", text: c, line });
      i++;
    }
  }
  return tokens;
}
