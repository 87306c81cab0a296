/**
 * Reading and writing dotted paths (`llm.baseUrl`) in plain objects.
 * @module
 */

/** A plain mapping: not null, an array, a Map or a Set. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Map) && !(value instanceof Set);
}

/** Sets `path` in `target`, creating the groups on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** The value at `path`, or undefined where any step is missing. */
export function getPath(source: unknown, path: string): unknown {
  let node: unknown = source;
  for (const part of path.split(".")) {
    node = isMapping(node) ? node[part] : undefined;
  }
  return node;
}
