/**
 * What a verified webhook delivery means to Loom, once its platform's adapter has parsed it.
 * @module
 */
import type { RepoRef } from "./repo_ref.ts";

/**
 * The chat commands Loom obeys in a pull request's comments, the same on every platform: the
 * word after `/loom`. One list, so that parsing, intake and the help text cannot disagree.
 */
export const CHAT_COMMANDS = [
  "review",
  "full-review",
  "pause",
  "resume",
  "resolve",
  "config",
  "help",
] as const;

/** One of {@link CHAT_COMMANDS}. */
export type ChatCommand = (typeof CHAT_COMMANDS)[number];

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
    /**
     * Who caused it (the pusher, or the sender of the event), as the platform names people in
     * comments too: intake counts each person's reviews (`LOOM_RATE_LIMIT_PER_USER`). Absent
     * when the payload names nobody.
     */
    actor?: string;
  }
  | { type: "closed"; repo: RepoRef; pr: number }
  | {
    type: "command";
    command: ChatCommand;
    repo: RepoRef;
    pr: number;
    /** The comment's author, as the platform names people (a login, a username). */
    author: string;
    /**
     * The author's id where the platform's permission API asks for it rather than the name
     * (GitLab's user id, Bitbucket's account uuid, Azure DevOps' identity id).
     */
    authorId?: string;
    /**
     * True when the delivery itself proves the author may write to the repository (GitHub's
     * `author_association`), so the job need not ask the platform; absent when it proves nothing.
     */
    authorIsWriter?: boolean;
  }
  | { type: "ping" }
  | { type: "ignored"; reason: string };
