/**
 * The facts of a pull request that Loom reads, whatever platform it lives on.
 * @module
 */

/** The facts of a pull request Loom uses. */
export interface PullRequest {
  number: number;
  title: string;
  description: string;
  headSha: string;
  baseSha: string;
  headRef: string;
  baseRef: string;
  draft: boolean;
  state: "open" | "closed" | "merged";
  author: string;
  /** The labels on it (names); absent where the platform has none to give (Bitbucket). */
  labels?: string[];
}
