/**
 * The review engine: a diff and a repository's config in, findings and the comments that report
 * them out. The server's jobs (`jobs/`) and `loom review` both run it.
 * @module
 */

export { renderFindingComment, type SuggestionOptions } from "./finding_comment.ts";
export { reviewDiff, type ReviewDiffInput } from "./review_diff.ts";
export { collectReviewResult, type ReviewResult } from "./review_result.ts";
export { type SarifLog, toSarif } from "./sarif.ts";
export {
  type FileNote,
  type PipelineSummary,
  renderSummary,
  type SummaryInput,
} from "./summary.ts";
export { renderText, type TextSummary } from "./text_report.ts";
