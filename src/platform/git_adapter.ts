/**
 * The port every platform implements: what Loom asks of a git platform, so that no code outside
 * `adapters/` sees a platform's JSON or dialect.
 * @module
 */
import type { PlatformEvent } from "./platform_event.ts";
import type { PullRequest } from "./pull_request.ts";
import type { RepoRef } from "./repo_ref.ts";

/** A comment Loom posted earlier, found again by its author (Loom) and its hidden marker. */
export interface PostedComment {
  id: string;
  kind: "summary" | "inline";
  body: string;
  /** Inline comments: the fingerprint carried by the marker. */
  fingerprint?: string;
  path?: string;
  line?: number;
}

/** One inline comment to post on the new side of the diff. */
export interface InlineComment {
  path: string;
  /** Last (or only) new-side line. */
  line: number;
  /** First line of a range, in the same hunk, below `line`. */
  startLine?: number;
  /** Markdown body without marker: the adapter adds the platform's hidden marker. */
  body: string;
  fingerprint: string;
}

/** The outcome of posting inline comments: what landed, and what the platform refused. */
export interface InlineResult {
  posted: (PostedComment & { fingerprint: string })[];
  rejected: { comment: InlineComment; reason: string }[];
}

/** The commit status Loom sets on the head commit. */
export interface CommitStatus {
  state: "pending" | "success" | "failure" | "error";
  description: string;
  targetUrl?: string;
}

/**
 * How a platform's comments are written, answered by its adapter so that no code outside
 * `adapters/` names a platform.
 */
export interface PlatformDialect {
  /**
   * The info string of a fenced block the platform applies as a suggested change to the lines an
   * inline comment covers (`span`: how many lines above the comment's last line the range
   * reaches), or null where the platform has no suggestions: Loom then shows a `diff` block.
   */
  suggestionFence(span: number): string | null;
  /** The longest comment body the platform accepts, in characters. */
  maxCommentChars: number;
}

/**
 * How one commit relates to another and what changed between them: what an incremental review
 * reads to send the model only a push's own change.
 */
export interface CommitComparison {
  /**
   * `from` is an ancestor of `to`: the history between them was not rewritten (a force push or
   * a rebase makes it false, and the review is then a full one).
   */
  fromIsAncestor: boolean;
  /** The newest common ancestor of `from` and `to`, where the platform tells it; else null. */
  mergeBase: string | null;
  /**
   * The unified diff of what `to` changes on top of `from` (two-dot), read against the same byte
   * budget as {@link GitAdapter.fetchDiff}; empty when the caller asked for no diff.
   */
  diff: string;
}

/**
 * One of Loom's inline comments as a thread on the platform: whether a person closed it and what
 * people answered, so that Loom learns which findings were dismissed.
 */
export interface ReviewThread {
  /** The id of Loom's comment that opens the thread, as in {@link PostedComment.id}. */
  commentId: string;
  /** The fingerprint carried by the comment's marker. */
  fingerprint?: string;
  /** The thread is resolved (or, on Azure DevOps, has any status but active/pending). */
  resolved: boolean;
  /** Who resolved it, as the platform names people, where it says. */
  resolvedBy?: string;
  /** People's replies under Loom's comment, oldest first; Loom's own replies left out. */
  replies: { author: string; body: string }[];
  /**
   * People's reactions on Loom's comment, named as GitHub names them (`+1`, `-1`, `confused`…);
   * empty where the platform has none.
   */
  reactions: { author: string; content: string }[];
}

/**
 * What {@link GitAdapter.resolveThread} did: `resolved`; `already_resolved` (someone had); `gone`
 * (the comment was deleted); `replied` where the platform cannot resolve a thread (Forgejo):
 * the note was posted as a reply instead.
 */
export type ResolveOutcome = "resolved" | "already_resolved" | "gone" | "replied";

/** A platform. Methods throw {@link PlatformError} on API failures. */
export interface GitAdapter {
  platform: string;
  /** How this platform's comments are written. */
  dialect: PlatformDialect;
  /**
   * The checks a delivery's headers alone decide (a token or Basic credentials, as GitLab and
   * Azure DevOps send), run before the body is read: false answers 401 at once, so a caller
   * without the secret cannot make Loom buffer up to `LOOM_MAX_BODY_BYTES` first. Absent where
   * every check needs the body (HMAC signatures); {@link verifyWebhook} runs after it either way.
   */
  precheckWebhook?(req: Request): Promise<boolean>;
  /** Checks the delivery's signature or token over the exact bytes received. */
  verifyWebhook(req: Request, rawBody: Uint8Array): Promise<boolean>;
  /**
   * The delivery id the platform sends for dedupe, or null. Some platforms put it in the body
   * (Azure DevOps) or have none to give (old GitLab), so the body is handed in too.
   */
  deliveryId(req: Request, rawBody: Uint8Array): string | null;
  /** Parses a verified delivery; throws {@link WebhookPayloadError} for malformed bodies. */
  parseEvent(req: Request, rawBody: Uint8Array): PlatformEvent;
  getPullRequest(repo: RepoRef, number: number): Promise<PullRequest>;
  /**
   * The unified diff of the pull request (three-dot, as the platform shows it). Throws
   * `DiffTooLargeError` once the diff passes the adapter's byte limit, having stopped reading.
   */
  fetchDiff(repo: RepoRef, pr: PullRequest): Promise<string>;
  /** A file's text at a ref, or null when it does not exist there. */
  fetchFile(repo: RepoRef, path: string, ref: string): Promise<string | null>;
  /**
   * Loom's own comments on the pull request (summary and inline): those carrying its markers
   * and written by Loom's own identity (the user, bot or App it authenticates as, learned once
   * from the platform), never a commenter's comment that merely carries a marker.
   */
  listComments(repo: RepoRef, pr: PullRequest): Promise<PostedComment[]>;
  /**
   * Posts the summary, or edits `existing` in place; posts a new one when `existing` is gone or
   * the platform refuses the edit.
   */
  postSummary(
    repo: RepoRef,
    pr: PullRequest,
    body: string,
    existing?: PostedComment,
  ): Promise<PostedComment>;
  /** Posts a plain comment (answers to chat commands). */
  postComment(repo: RepoRef, pr: PullRequest, body: string): Promise<void>;
  /** Posts inline comments on `pr.headSha`, as one review where the platform has them. */
  postInline(repo: RepoRef, pr: PullRequest, comments: InlineComment[]): Promise<InlineResult>;
  setStatus(repo: RepoRef, pr: PullRequest, status: CommitStatus): Promise<void>;
  /**
   * Whether `user` may write to the repository (push to it): only such people may command Loom
   * (`LOOM_COMMANDS_FROM=writers`). False for someone the platform does not know as a member or
   * collaborator; throws {@link PlatformError} when the platform cannot be asked.
   */
  canWrite(repo: RepoRef, user: CommandAuthor): Promise<boolean>;
  /**
   * How `from` relates to `to` in the repository, and (unless `options.diff` is false) the diff
   * between them. Throws `DiffTooLargeError` past the byte limit, as {@link fetchDiff} does.
   */
  compareCommits(
    repo: RepoRef,
    from: string,
    to: string,
    options?: { diff?: boolean },
  ): Promise<CommitComparison>;
  /** The threads Loom's inline comments opened on the pull request, with people's verdicts. */
  listThreads(repo: RepoRef, pr: PullRequest): Promise<ReviewThread[]>;
  /**
   * Resolves the thread of Loom's comment `commentId` (a finding was fixed); where the platform
   * cannot resolve threads, posts `note` as a reply instead.
   */
  resolveThread(
    repo: RepoRef,
    pr: PullRequest,
    commentId: string,
    note: string,
  ): Promise<ResolveOutcome>;
}

/** The author of a chat command, as the event names them. */
export interface CommandAuthor {
  /** As the platform names people (a login, a username). */
  name: string;
  /** The platform's id for them, where its permission API needs it. */
  id?: string;
}
