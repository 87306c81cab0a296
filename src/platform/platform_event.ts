/**
 * What a verified webhook delivery means to Loom, once its platform's adapter has parsed it.
 * @module
 */
import type { RepoRef } from "./repo_ref.ts";

/** What a webhook delivery means to Loom. */
export type PlatformEvent =
  | {
    type: "review";
    /** Why: opened, new commits, reopened, or draft → ready. */
    reason: "opened" | "new_commits" | "reopened" | "ready";
    repo: RepoRef;
    pr: number;
    headSha: string;
    baseRef: string;
    draft: boolean;
  }
  | { type: "closed"; repo: RepoRef; pr: number }
  | {
    type: "command";
    command: "review" | "help";
    repo: RepoRef;
    pr: number;
    author: string;
  }
  | { type: "ping" }
  | { type: "ignored"; reason: string };
