/**
 * Reading an evaluation set from disk: every `<dir>/<id>/case.yaml`, size-capped, validated
 * with zod and checked against its own diff, every problem named with its file.
 * @module
 */
import { parseDocument } from "yaml";
import { type DiffFile, parseDiff } from "../diff/mod.ts";
import { CaseFileSchema, type EvalCase, MAX_CASE_BYTES, MAX_CASES } from "./eval_case.ts";

/** What {@link loadEvalSet} reads; tests hand in a fake. */
export interface EvalSetFs {
  /** Names of the sub-folders of `dir`; throws `Deno.errors.NotFound` when there is none. */
  folders(dir: string): Promise<string[]>;
  /** The file's bytes, at most `max + 1` of them; null when it does not exist. */
  readCapped(path: string, max: number): Promise<Uint8Array | null>;
}

/** The cases, or every problem found (each starting with the file it is in). */
export type LoadEvalSetResult =
  | { ok: true; cases: EvalCase[] }
  | { ok: false; errors: string[] };

/**
 * Loads the set in `dir`: one folder per case holding `case.yaml`, read in name order. Folders
 * without a `case.yaml` are skipped (a README, say, lives beside them).
 */
export async function loadEvalSet(
  dir: string,
  fs: EvalSetFs = denoFs,
): Promise<LoadEvalSetResult> {
  let names: string[];
  try {
    names = (await fs.folders(dir)).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { ok: false, errors: [`${dir}: no such directory`] };
    }
    throw error;
  }
  const cases: EvalCase[] = [];
  const errors: string[] = [];
  for (const id of names) {
    const file = `${dir}/${id}/case.yaml`;
    const bytes = await fs.readCapped(file, MAX_CASE_BYTES);
    if (bytes === null) continue;
    if (cases.length + errors.length >= MAX_CASES) {
      return { ok: false, errors: [`${dir}: more than ${MAX_CASES} cases; split the set`] };
    }
    if (bytes.length > MAX_CASE_BYTES) {
      errors.push(`${file}: larger than ${MAX_CASE_BYTES} bytes`);
      continue;
    }
    const parsed = parseCase(id, file, new TextDecoder().decode(bytes));
    if ("errors" in parsed) errors.push(...parsed.errors.map((e) => `${file}: ${e}`));
    else cases.push(parsed);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (cases.length === 0) return { ok: false, errors: [`${dir}: no <case>/case.yaml found`] };
  return { ok: true, cases };
}

/**
 * Parses and checks the text of one `case.yaml`: its fields, its diff (hunk headers that match
 * their lines) and that every expected finding sits on the new side of one of its hunks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCase } from "./load_cases.ts";
 *
 * const text = `language: go
 * kind: off-by-one
 * diff: |
 *   --- a/x.go
 *   +++ b/x.go
 *   @@ -1,1 +1,2 @@
 *    a
 *   +b
 * expected: [{path: x.go, lines: [9, 9]}]
 * `;
 * const parsed = parseCase("c1", "c1/case.yaml", text);
 * assert.deepEqual(parsed, {
 *   errors: ["expected[0]: lines 9-9 of x.go are not on the new side of one hunk"],
 * });
 * ```
 */
export function parseCase(id: string, file: string, text: string): EvalCase | { errors: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { errors: doc.errors.map((e) => `invalid YAML: ${e.message.split("\n")[0]}`) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { errors: [`invalid YAML: ${(error as Error).message}`] };
  }
  const result = CaseFileSchema.safeParse(data);
  if (!result.success) {
    return {
      errors: result.error.issues.map((i) =>
        `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`
      ),
    };
  }
  const fields = result.data;
  const files = parseDiff(fields.diff);
  const errors = files.length === 0 ? ["diff: no file in it"] : hunkProblems(files);
  fields.expected.forEach((e, i) => {
    const target = files.find((f) => f.newPath === e.path);
    if (!target) {
      errors.push(`expected[${i}]: ${e.path} is not a file on the new side of the diff`);
      return;
    }
    const [from, to] = e.lines;
    const inHunk = target.hunks.some((h) =>
      from >= h.newStart && to <= h.newStart + h.newLines - 1
    );
    if (!inHunk) {
      errors.push(
        `expected[${i}]: lines ${from}-${to} of ${e.path} are not on the new side of one hunk`,
      );
    }
  });
  if (errors.length > 0) return { errors };
  return { ...fields, id, file };
}

/** A hunk whose header counts disagree with its lines means a hand-edited diff went wrong. */
function hunkProblems(files: DiffFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    for (const h of f.hunks) {
      const oldCount = h.lines.filter((l) => l.kind !== "add").length;
      const newCount = h.lines.filter((l) => l.kind !== "del").length;
      if (oldCount !== h.oldLines || newCount !== h.newLines) {
        problems.push(
          `diff: hunk @@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@ of ${f.path} ` +
            `has ${oldCount} old and ${newCount} new lines`,
        );
      }
    }
  }
  return problems;
}

const denoFs: EvalSetFs = {
  async folders(dir) {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) if (entry.isDirectory) names.push(entry.name);
    return names;
  },
  async readCapped(path, max) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
    try {
      const out = new Uint8Array(max + 1);
      let length = 0;
      while (length < out.length) {
        const n = await file.read(out.subarray(length));
        if (n === null) break;
        length += n;
      }
      return out.subarray(0, length);
    } finally {
      file.close();
    }
  },
};
