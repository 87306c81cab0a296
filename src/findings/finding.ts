/**
 * The shape of a review finding as it flows through Loom.
 *
 * A model answers with {@link RawFinding}s (validated by `src/llm/`); the review engine anchors
 * each to a commentable line of the diff and fingerprints it, producing a {@link Finding}.
 * @module
 */

/** How much a finding matters. Ordered: a blocker fails the commit status. */
export type Severity = "blocker" | "warning" | "info";

/** Severities from most to least important. */
export const SEVERITIES: readonly Severity[] = ["blocker", "warning", "info"];

/** A finding as the model reported it, before Loom checked it against the diff. */
export interface RawFinding {
  path: string;
  line: number;
  /**
   * The code of `line` as the model quoted it (without the number and marker the prompt shows).
   * Numbers drift, quotes less so: anchoring looks for this text near `line` when `line` holds
   * other code.
   */
  code?: string;
  end_line?: number;
  severity?: Severity;
  title: string;
  body: string;
  suggestion?: string;
}

/** A finding after anchoring: severity resolved, tied to a pipeline, fingerprinted. */
export interface Finding {
  path: string;
  /** New-side line the comment sits on. */
  line: number;
  /** Last new-side line of a range, when the finding spans several lines. */
  end_line?: number;
  severity: Severity;
  pipeline: string;
  title: string;
  body: string;
  suggestion?: string;
  /** Stable identity across line shifts: path, pipeline, normalised title, nearby code. */
  fingerprint: string;
  /** False when the line is not commentable: the finding goes to the summary, not inline. */
  inDiff: boolean;
  /** The second look's score, 0-10 (`review.verify`), when the finding was verified. */
  score?: number;
}
