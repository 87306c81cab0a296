/**
 * What every platform adapter provides, so the review code never sees a platform's JSON.
 * @module
 */

/** A repository on a platform. */
export interface RepoRef {
  /** `github`, `gitlab`, `gitea`, `bitbucket` or `azure-devops`. */
  platform: string;
  /** `owner/name` (GitLab: `group/sub/project`; Azure: `project/repo`). */
  fullName: string;
  /** The platform's own id where its API wants one (GitLab project id…). */
  id?: string;
  /** GitHub App installation that delivered the event, for installation tokens. */
  installationId?: number;
}

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
}

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

/** A comment Loom posted earlier, found again by its hidden marker. */
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

/** A platform. Methods throw {@link PlatformError} on API failures. */
export interface GitAdapter {
  platform: string;
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
  /** The unified diff of the pull request (three-dot, as the platform shows it). */
  fetchDiff(repo: RepoRef, pr: PullRequest): Promise<string>;
  /** A file's text at a ref, or null when it does not exist there. */
  fetchFile(repo: RepoRef, path: string, ref: string): Promise<string | null>;
  /** Loom's own comments on the pull request (summary and inline), by their markers. */
  listComments(repo: RepoRef, pr: PullRequest): Promise<PostedComment[]>;
  /** Posts the summary, or edits `existing` in place. */
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
}

/** A platform API call that failed; read by the queue by shape (`retryable`, `retryAfterMs`). */
export class PlatformError extends Error {
  status: number;
  retryable: boolean;
  retryAfterMs?: number;
  constructor(
    message: string,
    options: { status: number; retryable: boolean; retryAfterMs?: number },
  ) {
    super(message);
    this.name = "PlatformError";
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A delivery whose body is not what the platform documents; answered 400 with `message`. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookPayloadError";
  }
}
