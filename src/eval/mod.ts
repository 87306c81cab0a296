/**
 * `loom eval`'s engine: a labelled set of changes read and checked, the review engine run over
 * it, its findings matched to what the set expects and scored.
 * @module
 */

export {
  CaseFileSchema,
  type EvalCase,
  type Expected,
  MAX_CASE_BYTES,
  MAX_CASES,
} from "./eval_case.ts";
export { type EvalSetFs, loadEvalSet, type LoadEvalSetResult, parseCase } from "./load_cases.ts";
export { type CaseTally, LINE_SLACK, matches, tallyCase } from "./match.ts";
export { type EvalScore, scoreTallies } from "./score.ts";
export { type CaseResult, type EvalReport, runEval, type RunEvalDeps } from "./run_eval.ts";
export { evalJsonLine, evalTable } from "./render.ts";
