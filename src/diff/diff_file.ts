/**
 * The shape of a parsed unified diff: files, hunks and lines.
 * @module
 */

/** One line of a hunk, with its line number on each side it exists on. */
export interface DiffLine {
  kind: "add" | "del" | "context";
  /** The line without its `+`/`-`/` ` prefix and without a trailing `\r`. */
  text: string;
  /** Line number in the old file; null for an added line. */
  oldLine: number | null;
  /** Line number in the new file; null for a deleted line. */
  newLine: number | null;
  /**
   * True when git followed this line with `\ No newline at end of file`. Kept so a rendered diff
   * still tells the model about a missing final newline.
   */
  noNewline?: boolean;
}

/** One `@@ -a,b +c,d @@` block of a file. */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the closing `@@` (git's function context), without the leading space. */
  header: string;
  lines: DiffLine[];
}

/** One file of a diff. Paths are repository-relative, unquoted and without `a/` / `b/`. */
export interface DiffFile {
  /** Path before the change; null for an added file. */
  oldPath: string | null;
  /** Path after the change; null for a deleted file. */
  newPath: string | null;
  /** `newPath ?? oldPath`: the name to report the file under. */
  path: string;
  status: "added" | "deleted" | "modified" | "renamed" | "copied";
  /** True for `Binary files … differ` and `GIT binary patch`; such files have no hunks. */
  binary: boolean;
  /**
   * True when the diff lists the file as too large to diff (`Files … are too large to diff`,
   * written where Loom builds the diff itself): no hunks, and the review lists it as not reviewed.
   */
  tooLargeToDiff?: boolean;
  /** File mode on the old side, when the diff states it (deleted file, mode change). */
  oldMode?: string;
  /** File mode on the new side, when the diff states it (new file, mode change). */
  newMode?: string;
  /** `similarity index` percentage of a rename or copy. */
  similarity?: number;
  hunks: Hunk[];
  /** Number of added lines over all hunks. */
  additions: number;
  /** Number of deleted lines over all hunks. */
  deletions: number;
}
