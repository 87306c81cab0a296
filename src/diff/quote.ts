/**
 * Git's C-style path quoting.
 *
 * With the default `core.quotePath`, git wraps a path in double quotes and escapes its bytes when
 * it holds a control character, `"`, `\` or any non-ASCII byte: `café.txt` becomes
 * `"caf\303\251.txt"`. Paths must be decoded before they are matched against globs or shown.
 * @module
 */

const ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  "\\": 92,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Reads a quoted path that starts at `text[start]` (which must be `"`).
 * Returns the decoded path and the index just past the closing quote, or null when the quote
 * never closes. Escaped bytes are collected and decoded as UTF-8, since git escapes bytes rather
 * than characters.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } | null {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') return { value: decoder.decode(new Uint8Array(bytes)), end: i + 1 };
    if (ch !== "\\") {
      const code = ch.charCodeAt(0);
      if (code < 0x80) bytes.push(code);
      else {
        // Raw non-ASCII appears when core.quotePath=false; a surrogate pair is one character.
        const cp = text.codePointAt(i)!;
        const char = String.fromCodePoint(cp);
        for (const b of encoder.encode(char)) bytes.push(b);
        i += char.length;
        continue;
      }
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) return null;
    if (next >= "0" && next <= "7") {
      let end = i + 1;
      while (end < i + 4 && text[end] >= "0" && text[end] <= "7") end++;
      bytes.push(parseInt(text.slice(i + 1, end), 8) & 0xff);
      i = end;
      continue;
    }
    bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
    i += 2;
  }
  return null;
}

/** Decodes a path as it appears in a diff header: quoted paths are unquoted, others kept. */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  return readQuoted(raw, 0)?.value ?? raw;
}

/**
 * Quotes a path for a rendered diff only when a reader could not otherwise tell where it ends
 * (control characters, `"` or `\`). Non-ASCII is left readable, as with `core.quotePath=false`,
 * because the rendered text is for a model, not for `git apply`.
 */
export function quotePath(path: string): string {
  // deno-lint-ignore no-control-regex
  if (!/["\\\x00-\x1f\x7f]/.test(path)) return path;
  let out = '"';
  for (const ch of path) {
    const code = ch.charCodeAt(0);
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (code === 9) out += "\\t";
    else if (code === 10) out += "\\n";
    else if (code < 0x20 || code === 0x7f) out += "\\" + code.toString(8).padStart(3, "0");
    else out += ch;
  }
  return out + '"';
}
