/**
 * The pause state of one pull request, as the pause statements read and write it.
 * @module
 */

/** Where a pull request lives. */
export interface PullRequestRef {
  repo: { platform: string; fullName: string };
  pr: number;
}

/** Whether Loom is paused on a pull request, and since when it last was not. */
export interface PauseState {
  /** Set while paused: when, by whom (null: Loom paused itself) and why. */
  paused: { at: number; by: string | null; reason: string } | null;
  /** When the pull request was last resumed; null when never. */
  resumedAt: number | null;
}
