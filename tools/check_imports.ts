/**
 * Checks Loom's dependency rules over every .ts/.tsx file of a tree, so that the layering
 * described in docs/architecture.md holds by test rather than by review:
 *
 * 1. no cycle between folders (each directory under `src/` and `adapters/` is a folder; a file
 *    directly in `src/` or `adapters/` stands for itself), counting production files only: a
 *    test may set up what it needs from anywhere;
 * 2. no production file under `src/` imports `adapters/`, except the composition roots
 *    `src/server.ts` and `src/cli/`;
 * 3. no file reaches past a folder's `mod.ts`: from outside a folder that has a `mod.ts`, only
 *    that `mod.ts` may be imported, or the `mod.ts` of a subfolder (a folder of its own, which
 *    its parent may not re-export without a cycle when it uses its parent's files). Test code
 *    (`*_test.ts`, `tests/`, `bench/`) may import a folder's public files past its `mod.ts` (to
 *    test a concrete file, or to build a fake from one), but never a folder's private `_` file:
 *    private means private for tests too, and from every folder.
 *
 * npm:, jsr:, node: and bare (import-map) specifiers are not Loom's files and are not checked.
 *
 * Usage: `deno run --allow-read tools/check_imports.ts [ROOT]` (the `check:imports` task). Prints
 * each violation as `file:line: message` and exits 1 when there is any.
 *
 * @module
 */
import { scanImports } from "./_scan_imports.ts";

/** A source file of the tree, `path` relative to its root with `/` separators. */
export interface SourceFile {
  path: string;
  source: string;
}

/** A broken rule, where it is broken; `details` carry a cycle's evidence, one import a line. */
export interface Violation {
  file: string;
  line: number;
  message: string;
  details?: string[];
}

/** What a check looked at and what it found. */
export interface CheckResult {
  files: number;
  /** Imports of Loom's own files (relative or file: specifiers) that the rules were applied to. */
  imports: number;
  /** Package and bare specifiers skipped. */
  ignored: number;
  violations: Violation[];
}

interface LocalImport {
  from: string;
  to: string;
  line: number;
}

const FOLDER_ROOTS = ["src", "adapters"];
const COMPOSITION_ROOTS = ["src/server.ts", "src/cli/"];

/**
 * Applies the three dependency rules to `files` and returns every violation, sorted by file and
 * line. Pure: the caller reads the tree (see {@link readTree}).
 *
 * @example
 * ```ts
 * import { checkImports } from "./check_imports.ts";
 * import assert from "node:assert/strict";
 *
 * const result = checkImports([
 *   { path: "src/review/mod.ts", source: 'export * from "./plan.ts";' },
 *   { path: "src/review/plan.ts", source: "export const plan = 1;" },
 *   { path: "src/server.ts", source: 'import { plan } from "./review/plan.ts";' },
 * ]);
 * assert.equal(result.violations.length, 1);
 * assert.match(result.violations[0].message, /past src\/review\/mod\.ts/);
 * ```
 */
export function checkImports(files: readonly SourceFile[]): CheckResult {
  const paths = new Set(files.map((f) => f.path));
  const imports: LocalImport[] = [];
  let ignored = 0;
  for (const file of files) {
    for (const ref of scanImports(file.source)) {
      const to = resolveLocal(file.path, ref.specifier);
      if (to === undefined) ignored++;
      else if (to !== null) imports.push({ from: file.path, to, line: ref.line });
    }
  }
  const violations = [
    ...folderCycles(imports),
    ...imports.flatMap((i) => coreImportsAdapters(i) ?? []),
    ...imports.flatMap((i) => reachesPastMod(i, paths) ?? []),
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { files: files.length, imports: imports.length, ignored, violations };
}

/** Reads every .ts/.tsx file under `root`, skipping dot folders, `node_modules` and `dist`. */
export async function readTree(root: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = prefix + entry.name;
      if (entry.isDirectory) {
        if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "dist") {
          continue;
        }
        await walk(`${dir}/${entry.name}`, `${path}/`);
      } else if (entry.isFile && /\.tsx?$/.test(entry.name)) {
        files.push({ path, source: await Deno.readTextFile(`${dir}/${entry.name}`) });
      }
    }
  };
  await walk(root, "");
  return files;
}

/** Renders a result the way the CLI prints it: violations, then one line of counts. */
export function formatResult(result: CheckResult): string {
  const lines = result.violations.flatMap((v) => [
    `${v.file}:${v.line}: ${v.message}`,
    ...(v.details ?? []).map((d) => `  ${d}`),
  ]);
  const verdict = result.violations.length === 0
    ? "no violations"
    : `${result.violations.length} violation${result.violations.length === 1 ? "" : "s"}`;
  lines.push(
    `checked ${result.files} files and ${result.imports} imports of local files ` +
      `(${result.ignored} package imports not checked): ${verdict}`,
  );
  return lines.join("\n");
}

// Resolves a specifier to a path relative to the tree's root: undefined for a package or bare
// specifier (not ours to check), null for a local path outside the tree.
function resolveLocal(from: string, specifier: string): string | null | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

function isTest(path: string): boolean {
  return /_test\.tsx?$/.test(path) || path.startsWith("tests/") || path.startsWith("bench/");
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

// The unit a file belongs to for cycles: its folder, or the file itself when it sits directly in
// a folder root (src/intake.ts is not "the src folder": everything would cycle through it).
function unitOf(path: string): string {
  const dir = dirOf(path);
  return dir === "" || FOLDER_ROOTS.includes(dir) ? path : dir;
}

// The folders that contain `path`, outermost first: src/review/jobs/x.ts → src/review,
// src/review/jobs.
function foldersOf(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  if (parts.length < 2 || !FOLDER_ROOTS.includes(parts[0])) return [];
  const folders: string[] = [];
  for (let i = 2; i <= parts.length; i++) folders.push(parts.slice(0, i).join("/"));
  return folders;
}

function coreImportsAdapters(i: LocalImport): Violation | undefined {
  if (!i.from.startsWith("src/") || !i.to.startsWith("adapters/") || isTest(i.from)) {
    return undefined;
  }
  if (
    COMPOSITION_ROOTS.some((root) => root.endsWith("/") ? i.from.startsWith(root) : i.from === root)
  ) {
    return undefined;
  }
  return {
    file: i.from,
    line: i.line,
    message:
      `src/ must not import adapters/ (only src/server.ts and src/cli/ wire platforms in): ` +
      `imports ${i.to}`,
  };
}

function reachesPastMod(i: LocalImport, paths: ReadonlySet<string>): Violation | undefined {
  const name = i.to.slice(i.to.lastIndexOf("/") + 1);
  const outside = foldersOf(i.to).filter((folder) => !i.from.startsWith(`${folder}/`));
  if (outside.length === 0) return undefined;
  const home = dirOf(i.to);
  if (name.startsWith("_") && outside.includes(home)) {
    const mod = `${home}/mod.ts`;
    return {
      file: i.from,
      line: i.line,
      message: `imports ${i.to}, private to ${home}/` + (paths.has(mod) ? `; import ${mod}` : ""),
    };
  }
  // A subfolder with a mod.ts is a folder of its own: its mod.ts is a surface too.
  if (name === "mod.ts" || isTest(i.from)) return undefined;
  const mod = outside.map((folder) => `${folder}/mod.ts`).find((m) => paths.has(m));
  if (mod === undefined) return undefined;
  return {
    file: i.from,
    line: i.line,
    message: `imports ${i.to} past ${mod}; import ${mod} (a folder's surface)`,
  };
}

function folderCycles(imports: readonly LocalImport[]): Violation[] {
  // For each edge between two units, the first import that makes it (by file, then line).
  const evidence = new Map<string, Map<string, LocalImport>>();
  for (const i of imports) {
    if (isTest(i.from)) continue;
    const a = unitOf(i.from);
    const b = unitOf(i.to);
    if (a === b) continue;
    const out = evidence.get(a) ?? new Map<string, LocalImport>();
    evidence.set(a, out);
    const seen = out.get(b);
    if (!seen || i.from < seen.from || (i.from === seen.from && i.line < seen.line)) out.set(b, i);
  }
  const violations: Violation[] = [];
  const reported = new Set<string>();
  for (const component of stronglyConnected(evidence)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    for (const start of component) {
      const cycle = shortestCycle(start, evidence, members);
      if (!cycle) continue;
      const key = canonical(cycle);
      if (reported.has(key)) continue;
      reported.add(key);
      const edges = cycle.slice(0, -1).map((u, k) => evidence.get(u)!.get(cycle[k + 1])!);
      violations.push({
        file: edges[0].from,
        line: edges[0].line,
        message: `folder cycle: ${cycle.join(" -> ")}`,
        details: edges.map((e) => `${e.from}:${e.line} imports ${e.to}`),
      });
    }
  }
  return violations;
}

// Tarjan's algorithm; components and their members in a stable order.
function stronglyConnected(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const nodes = [
    ...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]),
  ]
    .sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

// Breadth-first from `start` back to itself inside one component: [start, …, start].
function shortestCycle(
  start: string,
  edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  members: ReadonlySet<string>,
): string[] | undefined {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const u = queue.shift()!;
    for (const w of [...(edges.get(u)?.keys() ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x: string | undefined = u; x !== start && x !== undefined; x = parent.get(x)) {
          path.unshift(x);
        }
        path.unshift(start);
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, u);
        queue.push(w);
      }
    }
  }
  return undefined;
}

// The same cycle entered at another member prints the same: rotate to its smallest member.
function canonical(cycle: readonly string[]): string {
  const ring = cycle.slice(0, -1);
  let best = 0;
  for (let k = 1; k < ring.length; k++) if (ring[k] < ring[best]) best = k;
  return [...ring.slice(best), ...ring.slice(0, best)].join(" ");
}

if (import.meta.main) {
  const root = Deno.args[0] ?? ".";
  const result = checkImports(await readTree(root));
  console.log(formatResult(result));
  if (result.violations.length > 0) Deno.exit(1);
}
