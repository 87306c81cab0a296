/**
 * Anchoring: tying what a model reported to lines of the diff a forge will accept comments on,
 * and giving each finding a fingerprint that survives the code moving.
 * @module
 */

import { createHash } from "node:crypto";
import type { DiffFile, Hunk } from "../diff/mod.ts";
import { type Finding, type RawFinding, SEVERITIES, type Severity } from "../findings/mod.ts";
import { quotedLine } from "./_quoted_line.ts";

/** The pipeline a batch of raw findings came from. */
export interface AnchorPipeline {
  name: string;
  /** Severity for findings the model gave none. */
  severity: Severity;
}

/** Anchored findings, and how many were dropped for naming a file the diff does not touch. */
export interface AnchorResult {
  findings: Finding[];
  droppedUnknownPath: number;
}

/** What a fingerprint is computed from; see {@link fingerprintOf}. */
export interface FingerprintInput {
  path: string;
  pipeline: string;
  /** The title as the model wrote it; {@link normaliseTitle} is applied here. */
  title: string;
  /** New-side text of the line before, the anchored line and the line after ("" if unknown). */
  code?: readonly string[];
  /** Used only without `code`: a finding outside the diff has no code to be recognised by. */
  line?: number;
}

// Models often name the line just past a hunk (the old number of a deleted line, an off-by-one)
// while meaning the change; three is git's default context, so further away is another place.
const SNAP_DISTANCE = 3;

/** What the index knows of one new-side line of the diff. */
interface NewLine {
  text: string;
  added: boolean;
  /** Last new-side line of the hunk this line is in: a comment range must not leave it. */
  hunkEnd: number;
}

/**
 * One hunk's new side. Lines are mapped only when a finding lands in the hunk: a 20,000-line
 * diff is mostly hunks no finding touches.
 */
interface HunkSide {
  hunk: Hunk;
  start: number;
  end: number;
  /** `hunk.lines` index of new line `start + i`, or -1; null until first needed. */
  at: Int32Array | null;
}

/**
 * Anchors a pipeline's raw findings to the diff, fingerprints them and removes duplicates.
 *
 * - Paths are matched after dropping `./`, a leading `/` and, when the path as given is not in
 *   the diff, an `a/` or `b/` prefix; a renamed file is also found by its old path. A finding on
 *   a file the diff does not touch is dropped and counted.
 * - A finding that quotes its line's `code` goes to the line holding that code: the one it named
 *   if the code is there, else the nearest line of the same hunk, else of the file within 50
 *   lines, holding it (see `quotedLine`: whitespace collapsed, a whole-line match before a
 *   fragment, on a tie an added line, then the line above); its `end_line` moves by as much.
 * - Without a quote, or when the quote is found nowhere near, a finding on a commentable new-side
 *   line (added or context) stays there. One up to 3 lines away from a commentable line moves to
 *   the nearest one; on a tie an added line wins (the change is what is under review), then the
 *   line above. Any other finding keeps its line with `inDiff: false` (it goes to the summary),
 *   as do all findings on a deleted or binary file (no new side).
 * - `end_line` survives only when it is past `line`; in the diff it is clamped to the end of the
 *   anchored line's hunk (forges reject ranges spanning hunks) and dropped if nothing is left.
 * - A `suggestion` replaces exactly the lines it names, so it is dropped when the line moved or
 *   the range was clamped: applied to other lines it would corrupt the file.
 * - Severity defaults to the pipeline's. Findings with equal fingerprints collapse into the most
 *   severe, then the first.
 *
 * Linear in the findings plus the lines of the hunks they land in (each hunk is indexed once)
 * and, for a finding whose number does not hold its quote, the lines within 50 of it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../diff/mod.ts";
 * import { anchorFindings } from "./anchor.ts";
 *
 * const diffText = "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n";
 * const { findings, droppedUnknownPath } = anchorFindings(
 *   [{ path: "a.ts", line: 1, title: "Typo", body: "" }],
 *   { name: "security", severity: "warning" },
 *   parseDiff(diffText),
 * );
 * assert.deepEqual(findings.map((f) => [f.path, f.line, f.severity, f.inDiff]), [
 *   ["a.ts", 1, "warning", true],
 * ]);
 * assert.equal(droppedUnknownPath, 0);
 * ```
 */
export function anchorFindings(
  raw: readonly RawFinding[],
  pipeline: AnchorPipeline,
  files: readonly DiffFile[],
): AnchorResult {
  const byPath = indexPaths(files);
  const sides = new Map<DiffFile, HunkSide[]>();
  const findings: Finding[] = [];
  let droppedUnknownPath = 0;

  for (const r of raw) {
    const file = findFile(byPath, r.path);
    if (!file) {
      droppedUnknownPath++;
      continue;
    }
    let hunks = sides.get(file);
    if (!hunks) sides.set(file, hunks = hunkSides(file));

    const quoted = r.code === undefined ? undefined : quotedLine(file.hunks, r.line, r.code);
    const byQuote = quoted !== undefined && lineAt(hunks, quoted) !== undefined;
    const line = byQuote ? quoted : lineAt(hunks, r.line) ? r.line : snap(hunks, r.line) ?? r.line;
    // A model that misnumbered its line misnumbered its range by as much: the range moves along.
    const shift = byQuote ? line - r.line : 0;
    const wantedEnd = r.end_line !== undefined && r.end_line > r.line
      ? r.end_line + shift
      : undefined;
    const at = lineAt(hunks, line);
    const end = at
      ? (wantedEnd === undefined ? undefined : Math.min(wantedEnd, at.hunkEnd))
      : wantedEnd;
    const endLine = end !== undefined && end > line ? end : undefined;
    const sameRange = line === r.line && endLine === wantedEnd;

    const finding: Finding = {
      path: file.path,
      line,
      ...(endLine !== undefined ? { end_line: endLine } : {}),
      severity: SEVERITIES.includes(r.severity as Severity)
        ? r.severity as Severity
        : pipeline.severity,
      pipeline: pipeline.name,
      title: r.title,
      body: r.body,
      ...(r.suggestion !== undefined && sameRange ? { suggestion: r.suggestion } : {}),
      fingerprint: fingerprintOf({
        path: file.path,
        pipeline: pipeline.name,
        title: r.title,
        ...(at ? { code: [codeAt(hunks, line - 1), at.text, codeAt(hunks, line + 1)] } : { line }),
      }),
      inDiff: at !== undefined,
    };
    findings.push(finding);
  }
  return { findings: keepMostSevere(findings), droppedUnknownPath };
}

/**
 * A finding's stable identity: the first 16 hex chars of a SHA-256 over the path, pipeline,
 * normalised title and the whitespace-collapsed code around the anchored line. The line number
 * is left out so the same finding is recognised after lines above it are added or removed, and
 * the title is normalised because models reword "Line 12: X" as "line 14 - x" between runs.
 * Without code (outside the diff) the line number stands in for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fingerprintOf } from "./anchor.ts";
 *
 * const at = (title: string) =>
 *   fingerprintOf({ path: "a.ts", pipeline: "sec", title, code: ["q(x)"] });
 * assert.match(at("SQL injection"), /^[0-9a-f]{16}$/);
 * assert.equal(at("SQL injection"), at("SQL-injection!")); // titles are normalised first
 * ```
 */
export function fingerprintOf(input: FingerprintInput): string {
  const where = input.code
    ? input.code.map((text) => text.trim().replace(/\s+/g, " "))
    : input.line ?? null;
  // JSON keeps the parts apart: no separator character can be forged inside a title or path.
  const key = JSON.stringify([input.path, input.pipeline, normaliseTitle(input.title), where]);
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/**
 * A title reduced to its words: lowercase, digits and punctuation gone, whitespace collapsed,
 * so that titles differing only in line numbers or separators compare equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normaliseTitle } from "./anchor.ts";
 *
 * assert.equal(normaliseTitle("Line 12: SQL-injection!"), "line sql injection");
 * ```
 */
export function normaliseTitle(title: string): string {
  return title.toLowerCase().replace(/[\p{P}\p{S}\p{N}\s]+/gu, " ").trim();
}

function indexPaths(files: readonly DiffFile[]): Map<string, DiffFile> {
  const byPath = new Map<string, DiffFile>();
  for (const file of files) byPath.set(file.path, file);
  // Old names second, so a file now living at another file's old name keeps its own.
  for (const file of files) {
    if (file.oldPath !== null && !byPath.has(file.oldPath)) byPath.set(file.oldPath, file);
  }
  return byPath;
}

function findFile(byPath: Map<string, DiffFile>, raw: string): DiffFile | undefined {
  const path = raw.trim().replace(/^(?:\.\/|\/)+/, "");
  const found = byPath.get(path);
  if (found) return found;
  // Only as a fallback: a repository may really have a top-level folder named `a` or `b`.
  return /^[ab]\//.test(path) ? byPath.get(path.slice(2)) : undefined;
}

function hunkSides(file: DiffFile): HunkSide[] {
  const sides: HunkSide[] = [];
  for (const hunk of file.hunks) {
    if (hunk.newLines <= 0) continue;
    sides.push({ hunk, start: hunk.newStart, end: hunk.newStart + hunk.newLines - 1, at: null });
  }
  // git emits hunks in order; sorting guards the binary search against hand-made diffs.
  return sides.sort((a, b) => a.start - b.start);
}

function lineAt(sides: HunkSide[], line: number): NewLine | undefined {
  let lo = 0;
  let hi = sides.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const side = sides[mid];
    if (line < side.start) hi = mid - 1;
    else if (line > side.end) lo = mid + 1;
    else {
      const at = side.at ??= mapLines(side);
      const i = at[line - side.start];
      if (i < 0) return undefined;
      const l = side.hunk.lines[i];
      return { text: l.text, added: l.kind === "add", hunkEnd: side.end };
    }
  }
  return undefined;
}

function codeAt(sides: HunkSide[], line: number): string {
  return lineAt(sides, line)?.text ?? "";
}

function mapLines(side: HunkSide): Int32Array {
  const at = new Int32Array(side.end - side.start + 1).fill(-1);
  let last = side.start - 1;
  side.hunk.lines.forEach((l, i) => {
    if (l.newLine === null || l.newLine < side.start || l.newLine > side.end) return;
    at[l.newLine - side.start] = i;
    last = Math.max(last, l.newLine);
  });
  // A hunk cut short (a truncated diff) ends at its last real line, not where its header says.
  side.end = last;
  return at;
}

function snap(sides: HunkSide[], line: number): number | undefined {
  for (let d = 1; d <= SNAP_DISTANCE; d++) {
    const above = lineAt(sides, line - d);
    const below = lineAt(sides, line + d);
    if (above && below) return below.added && !above.added ? line + d : line - d;
    if (above) return line - d;
    if (below) return line + d;
  }
  return undefined;
}

function keepMostSevere(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const slot = new Map<string, number>();
  for (const f of findings) {
    const i = slot.get(f.fingerprint);
    if (i === undefined) {
      slot.set(f.fingerprint, out.length);
      out.push(f);
    } else if (SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(out[i].severity)) {
      out[i] = f;
    }
  }
  return out;
}
