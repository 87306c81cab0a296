/**
 * Finds where a path of the parsed config (as zod reports it) sits in the YAML source, so every
 * error can point at a line and column instead of naming a path the user has to hunt for.
 * @module
 */

import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/** A 1-based position in the source text. */
export interface SourcePosition {
  line: number;
  col: number;
}

/**
 * Where to point for `path`:
 * - `"value"`: at the value; when the value is empty (`key:` alone) at its key instead;
 * - `"key"`: at the key itself, for keys that should not be there;
 * - a path that is not in the document (a missing key) points at the deepest mapping or list
 *   that does exist, i.e. where the key should be added.
 */
export function locatePath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  target: "value" | "key" = "value",
): SourcePosition {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) =>
        isScalar(p.key) && String(p.key.value) === String(segment)
      );
      if (pair) [next, nextKey] = [pair.value, pair.key as Node];
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      next = node.items[Number(segment)];
    }
    if (next === undefined && nextKey === undefined) return startOf(node, key, lineCounter);
    [node, key] = [next, nextKey];
  }
  if (target === "key" && key) return startOf(key, undefined, lineCounter);
  const empty = !node || (isScalar(node) && node.range && node.range[0] === node.range[1]);
  return empty ? startOf(key, undefined, lineCounter) : startOf(node, key, lineCounter);
}

function startOf(
  node: unknown,
  fallback: Node | undefined,
  lineCounter: LineCounter,
): SourcePosition {
  const range = (node as Node | null)?.range ?? fallback?.range;
  return range ? lineCounter.linePos(range[0]) : { line: 1, col: 1 };
}
