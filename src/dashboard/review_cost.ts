/**
 * The seam for what a review cost: the store's per-call usage with prices (migration 0009,
 * `llm_usage`) is summed elsewhere; the review page only shows what this type holds, and shows
 * tokens alone while no source is wired (`DashboardDeps.reviewCost` unset) or a model has no
 * price.
 * @module
 */

/** What one review cost, in US dollars; null where a model had no price. */
export interface ReviewCost {
  /** The whole review; null when any call's model had no price. */
  totalUsd: number | null;
  /** By pipeline name; a pipeline missing or null shows tokens only. */
  byPipeline: Record<string, number | null>;
}
