/**
 * Globs matched in time bounded by the sizes of pattern and path, for patterns written by
 * people the server need not trust (repository configs).
 * @module
 */

export {
  expandBraces,
  type GlobMatcher,
  globMatcher,
  MAX_BRACE_EXPANSIONS,
} from "./glob_matcher.ts";
