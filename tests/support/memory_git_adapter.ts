/**
 * An in-memory {@link GitAdapter}: pull requests, files at refs, diffs, Loom's comments and
 * commit statuses held in maps, every write recorded in order, and any method made to fail on
 * its next call. The review, pipeline and publish handlers and the webhook route are tested
 * against it in-process; the platforms' own fakes (real HTTP, `tests/fakes/`) stay for the
 * end-to-end tests.
 *
 * Its webhook dialect is its own: a delivery is trusted when its `x-memory-token` header equals
 * the token it was made with, its id is the `x-memory-delivery` header, and its body is the
 * {@link PlatformEvent} itself as JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createMemoryGitAdapter } from "./memory_git_adapter.ts";
 *
 * const git = createMemoryGitAdapter();
 * const repo = { platform: "memory", fullName: "octo/app" };
 * git.setPullRequest(repo, { number: 1, headSha: "h1", baseRef: "main" });
 * const pr = await git.getPullRequest(repo, 1);
 * await git.setStatus(repo, pr, { state: "pending", description: "Loom is reviewing" });
 * assert.deepEqual(git.writes.map((w) => w.op), ["setStatus"]);
 * ```
 * @module
 */
import {
  type CommitComparison,
  type CommitStatus,
  type GitAdapter,
  type InlineComment,
  PlatformError,
  type PlatformEvent,
  type PostedComment,
  type PullRequest,
  type RepoRef,
  type ReviewThread,
  WebhookPayloadError,
} from "../../src/platform/mod.ts";

/** One write the adapter was asked to make, in the order it was asked. */
export type MemoryWrite =
  | { op: "postSummary"; pr: number; body: string; edited: boolean }
  | { op: "postComment"; pr: number; body: string }
  | { op: "postInline"; pr: number; comments: InlineComment[] }
  | { op: "setStatus"; pr: number; sha: string; status: CommitStatus }
  | { op: "resolveThread"; pr: number; commentId: string; note: string };

/** The adapter's methods, by name, for {@link MemoryGitAdapter.failNext}. */
export type MemoryMethod = Exclude<keyof GitAdapter, "platform" | "dialect">;

/** Options of {@link createMemoryGitAdapter}. */
export interface MemoryGitAdapterOptions {
  /** The platform id it answers for; default `memory`. */
  platform?: string;
  /** The webhook token; default `memory-token`. */
  token?: string;
  /** Default 65,536. */
  maxCommentChars?: number;
}

/** See the module doc. */
export interface MemoryGitAdapter extends GitAdapter {
  /** Every write, oldest first (a failed call is not recorded). */
  writes: MemoryWrite[];
  /** Adds or changes a pull request; unnamed facts get plain defaults (open, not draft). */
  setPullRequest(repo: RepoRef, pr: Partial<PullRequest> & { number: number }): PullRequest;
  /** Puts `text` at `path` on `ref` (a branch name or sha). */
  setFile(repo: RepoRef, ref: string, path: string, text: string): void;
  setDiff(repo: RepoRef, pr: number, diff: string): void;
  /** Loom's comments on the pull request as the platform holds them. */
  comments(repo: RepoRef, pr: number): PostedComment[];
  /** The statuses set on `sha`, oldest first. */
  statuses(repo: RepoRef, sha: string): CommitStatus[];
  /** The next call of `method` throws `error` instead. */
  failNext(method: MemoryMethod, error: Error): void;
  /** Inline comments for which `refuse` answers a reason are rejected, as platforms do. */
  refuseInline(refuse: (comment: InlineComment) => string | null): void;
  /** Who may write to the repositories (`canWrite`); everyone when never called. */
  setWriters(names: string[]): void;
  /**
   * What {@link GitAdapter.compareCommits} answers for `from`..`to`; unset pairs answer "an
   * ancestor, no merge base, empty diff".
   */
  setComparison(repo: RepoRef, from: string, to: string, comparison: CommitComparison): void;
  /**
   * Changes the thread of Loom's comment `commentId` as a person would (resolve it, reply,
   * react); the thread of every inline comment starts open, with no replies.
   */
  setThread(
    repo: RepoRef,
    pr: number,
    commentId: string,
    change: Partial<Omit<ReviewThread, "commentId" | "fingerprint">>,
  ): void;
  /** Deletes Loom's comment `commentId`, as a person with the rights would. */
  deleteComment(repo: RepoRef, pr: number, commentId: string): void;
}

/** A pull request event asking for a review of `headSha`, as any platform's parse yields it. */
export function reviewEvent(repo: RepoRef, pr: number, headSha: string): PlatformEvent {
  return { type: "review", reason: "opened", repo, pr, headSha, baseRef: "main", draft: false };
}

/** Creates an empty in-memory platform; see the module doc. */
export function createMemoryGitAdapter(options: MemoryGitAdapterOptions = {}): MemoryGitAdapter {
  const platform = options.platform ?? "memory";
  const token = options.token ?? "memory-token";
  const pulls = new Map<string, PullRequest>();
  const files = new Map<string, string>();
  const diffs = new Map<string, string>();
  const posted = new Map<string, PostedComment[]>();
  const statuses = new Map<string, CommitStatus[]>();
  const failures = new Map<MemoryMethod, Error[]>();
  const writes: MemoryWrite[] = [];
  let refuse: (comment: InlineComment) => string | null = () => null;
  let writers: Set<string> | null = null;
  const comparisons = new Map<string, CommitComparison>();
  const threads = new Map<string, Omit<ReviewThread, "commentId" | "fingerprint">>();
  let nextId = 1;

  const prKey = (repo: RepoRef, pr: number) => `${repo.fullName}#${pr}`;
  const fail = (method: MemoryMethod) => {
    const error = failures.get(method)?.shift();
    if (error) throw error;
  };
  const commentsOf = (repo: RepoRef, pr: number) => {
    const key = prKey(repo, pr);
    if (!posted.has(key)) posted.set(key, []);
    return posted.get(key)!;
  };

  const threadOf = (repo: RepoRef, pr: number, commentId: string) => {
    const key = `${prKey(repo, pr)}/${commentId}`;
    if (!threads.has(key)) threads.set(key, { resolved: false, replies: [], reactions: [] });
    return threads.get(key)!;
  };

  return {
    platform,
    dialect: {
      suggestionFence: (span) => span === 0 ? "suggestion" : null,
      maxCommentChars: options.maxCommentChars ?? 65_536,
    },
    writes,

    verifyWebhook(req) {
      fail("verifyWebhook");
      return Promise.resolve(req.headers.get("x-memory-token") === token);
    },
    deliveryId(req) {
      fail("deliveryId");
      return req.headers.get("x-memory-delivery");
    },
    parseEvent(_req, rawBody) {
      fail("parseEvent");
      let event: unknown;
      try {
        event = JSON.parse(new TextDecoder().decode(rawBody));
      } catch {
        throw new WebhookPayloadError("the body is not JSON");
      }
      if (typeof event !== "object" || event === null || !("type" in event)) {
        throw new WebhookPayloadError("the body has no event type");
      }
      return event as PlatformEvent;
    },

    getPullRequest(repo, number) {
      fail("getPullRequest");
      const pr = pulls.get(prKey(repo, number));
      if (!pr) {
        throw new PlatformError(`${repo.fullName}#${number} not found`, {
          status: 404,
          retryable: false,
        });
      }
      return Promise.resolve({ ...pr });
    },
    fetchDiff(repo, pr) {
      fail("fetchDiff");
      return Promise.resolve(diffs.get(prKey(repo, pr.number)) ?? "");
    },
    fetchFile(repo, path, ref) {
      fail("fetchFile");
      return Promise.resolve(files.get(`${repo.fullName}@${ref}:${path}`) ?? null);
    },
    listComments(repo, pr) {
      fail("listComments");
      return Promise.resolve(commentsOf(repo, pr.number).map((c) => ({ ...c })));
    },
    postSummary(repo, pr, body, existing) {
      fail("postSummary");
      const comments = commentsOf(repo, pr.number);
      const old = existing && comments.find((c) => c.id === existing.id);
      writes.push({ op: "postSummary", pr: pr.number, body, edited: Boolean(old) });
      if (old) {
        old.body = body;
        return Promise.resolve({ ...old });
      }
      const comment: PostedComment = { id: `c${nextId++}`, kind: "summary", body };
      comments.push(comment);
      return Promise.resolve({ ...comment });
    },
    postComment(_repo, pr, body) {
      fail("postComment");
      writes.push({ op: "postComment", pr: pr.number, body });
      return Promise.resolve();
    },
    postInline(repo, pr, comments) {
      fail("postInline");
      writes.push({ op: "postInline", pr: pr.number, comments: structuredClone(comments) });
      const landed = [];
      const rejected = [];
      for (const c of comments) {
        const reason = refuse(c);
        if (reason) {
          rejected.push({ comment: c, reason });
          continue;
        }
        const comment = {
          id: `c${nextId++}`,
          kind: "inline" as const,
          body: c.body,
          fingerprint: c.fingerprint,
          path: c.path,
          line: c.line,
        };
        commentsOf(repo, pr.number).push(comment);
        landed.push({ ...comment });
      }
      return Promise.resolve({ posted: landed, rejected });
    },
    setStatus(repo, pr, status) {
      fail("setStatus");
      writes.push({ op: "setStatus", pr: pr.number, sha: pr.headSha, status: { ...status } });
      const key = `${repo.fullName}@${pr.headSha}`;
      statuses.set(key, [...(statuses.get(key) ?? []), { ...status }]);
      return Promise.resolve();
    },

    compareCommits(repo, from, to, options) {
      fail("compareCommits");
      const found = comparisons.get(`${repo.fullName}:${from}..${to}`) ??
        { fromIsAncestor: true, mergeBase: null, diff: "" };
      return Promise.resolve({ ...found, diff: options?.diff === false ? "" : found.diff });
    },
    listThreads(repo, pr) {
      fail("listThreads");
      return Promise.resolve(
        commentsOf(repo, pr.number).filter((c) => c.kind === "inline").map((c) => ({
          commentId: c.id,
          fingerprint: c.fingerprint,
          ...structuredClone(threadOf(repo, pr.number, c.id)),
        })),
      );
    },
    resolveThread(repo, pr, commentId, note) {
      fail("resolveThread");
      if (!commentsOf(repo, pr.number).some((c) => c.id === commentId)) {
        return Promise.resolve("gone");
      }
      const thread = threadOf(repo, pr.number, commentId);
      if (thread.resolved) return Promise.resolve("already_resolved");
      writes.push({ op: "resolveThread", pr: pr.number, commentId, note });
      thread.resolved = true;
      thread.resolvedBy = "loom";
      return Promise.resolve("resolved");
    },

    setPullRequest(repo, pr) {
      const key = prKey(repo, pr.number);
      const merged: PullRequest = {
        title: `Pull request ${pr.number}`,
        description: "",
        headSha: "h".repeat(40),
        baseSha: "b".repeat(40),
        headRef: "feature",
        baseRef: "main",
        draft: false,
        state: "open",
        author: "dev",
        ...pulls.get(key),
        ...pr,
      };
      pulls.set(key, merged);
      return { ...merged };
    },
    setFile(repo, ref, path, text) {
      files.set(`${repo.fullName}@${ref}:${path}`, text);
    },
    setDiff(repo, pr, diff) {
      diffs.set(prKey(repo, pr), diff);
    },
    comments: (repo, pr) => commentsOf(repo, pr).map((c) => ({ ...c })),
    statuses: (repo, sha) => [...(statuses.get(`${repo.fullName}@${sha}`) ?? [])],
    failNext(method, error) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    refuseInline(answer) {
      refuse = answer;
    },
    canWrite(_repo, user) {
      return Promise.resolve(writers === null || writers.has(user.name));
    },
    setWriters(names) {
      writers = new Set(names);
    },
    setComparison(repo, from, to, comparison) {
      comparisons.set(`${repo.fullName}:${from}..${to}`, { ...comparison });
    },
    setThread(repo, pr, commentId, change) {
      Object.assign(threadOf(repo, pr, commentId), structuredClone(change));
    },
    deleteComment(repo, pr, commentId) {
      const comments = commentsOf(repo, pr);
      const at = comments.findIndex((c) => c.id === commentId);
      if (at >= 0) comments.splice(at, 1);
    },
  };
}
