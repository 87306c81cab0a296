/**
 * A stateful fake GitHub REST API on a real 127.0.0.1 port.
 *
 * It answers the calls Loom makes the way GitHub does, including GitHub's refusals: an inline
 * comment on a line outside the diff is a 422, and one such comment fails a whole review. It
 * checks credentials (a token, or a GitHub App's JWT and the installation tokens it mints),
 * paginates lists with `Link` headers, can be told to fail the next calls (429, 403 rate limit,
 * 5xx, 406 for a diff too large), records every request, and checks the bodies Loom sends
 * against GitHub's OpenAPI description (see {@link FakeGithub.violations}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeGithub } from "./server.ts";
 *
 * const github = await startFakeGithub({ token: "t0ken" });
 * try {
 *   const pr = github.addPullRequest({
 *     repo: "octo/app",
 *     number: 7,
 *     diff: "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
 *   });
 *   // Loom would be pointed at github.url; here two inline comments by hand.
 *   const comment = (line: number) =>
 *     fetch(`${github.url}/repos/octo/app/pulls/7/comments`, {
 *       method: "POST",
 *       headers: { authorization: "Bearer t0ken", "content-type": "application/json" },
 *       body: JSON.stringify({
 *         body: "Nit",
 *         commit_id: pr.headSha,
 *         path: "a.ts",
 *         line,
 *         side: "RIGHT",
 *       }),
 *     });
 *   const onTheDiff = await comment(1);
 *   await onTheDiff.body?.cancel();
 *   assert.equal(onTheDiff.status, 201);
 *   const outside = await comment(9); // not a line of the diff: GitHub's 422
 *   assert.equal(outside.status, 422);
 *   assert.match((await outside.json()).errors[0], /line must be part of the diff/);
 *   assert.equal(github.reviewComments("octo/app", 7).length, 1);
 *   assert.deepEqual(github.violations, []);
 * } finally {
 *   await github.close();
 * }
 * ```
 * @module
 */

import { sign } from "@octokit/webhooks-methods";
import { commentableLines, type DiffFile, renderHunk } from "../../../src/diff/mod.ts";
import { diffFiles, fileOn, inOneHunk } from "../diff_lines.ts";
import { json, noContent, text } from "../answers.ts";
import * as kit from "../fake_server.ts";
import { checkRequestBody } from "./openapi.ts";
import { type HoldsIssueComments, type IssueComment, issueComments } from "../issue_comments.ts";
import { pageLink, pageOf } from "../pagination.ts";
import * as seed from "../pull_request_seed.ts";
import { type CommitGraph, createCommitGraph } from "../commit_graph.ts";

/** A request body GitHub's OpenAPI description would not accept. */
export interface BodyViolation {
  method: string;
  path: string;
  problems: string[];
}

/** How a pull request is seeded; everything but `repo` has a default. */
export interface FakePullRequestInput extends seed.PullRequestSeed {
  draft?: boolean;
}

/** A pull request as the fake holds it. */
export interface FakePullRequest extends seed.SeededPullRequest {
  draft: boolean;
}

/** The author of a comment, review or status. */
export interface FakeUser {
  login: string;
  /** `User` or `Bot`. */
  type: string;
}

/** A conversation comment (`/issues/{n}/comments`). */
export type FakeIssueComment = IssueComment<FakeUser>;

/** An inline comment (`/pulls/{n}/comments`). */
export interface FakeReviewComment {
  id: number;
  repo: string;
  pull: number;
  /** The review it was posted in; null when posted alone. */
  reviewId: number | null;
  commitId: string;
  path: string;
  line: number;
  side: "LEFT" | "RIGHT";
  startLine: number | null;
  startSide: "LEFT" | "RIGHT" | null;
  body: string;
  user: FakeUser;
  /** True while its review is PENDING: GitHub shows it to no one else. */
  pending: boolean;
}

/** A review (`/pulls/{n}/reviews`). */
export interface FakeReview {
  id: number;
  repo: string;
  pull: number;
  commitId: string;
  body: string;
  /** `PENDING` when the request had no `event`: invisible on GitHub until submitted. */
  state: "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED" | "PENDING";
  user: FakeUser;
  commentIds: number[];
}

/** A commit status (`/statuses/{sha}`). */
export interface FakeStatus {
  id: number;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

/** An installation token the fake minted for a GitHub App. */
export interface FakeInstallationToken {
  token: string;
  installationId: number;
  /** Epoch milliseconds, on the fake's clock. */
  expiresAt: number;
}

/** An answer the fake gives instead of the real one; see {@link githubFailure}. */
export interface FakeFailure extends kit.FakeFailure {
  /** Only for requests of a unified diff (`Accept: application/vnd.github.diff`). */
  onlyDiff?: boolean;
}

/** Options for {@link startFakeGithub}. */
export interface FakeGithubOptions {
  /** Calls must carry `Authorization: Bearer TOKEN` (or `token TOKEN`); unset, any call passes. */
  token?: string;
  /** Serve below a prefix, as GitHub Enterprise Server serves `/api/v3`. */
  pathPrefix?: string;
  /** The clock for installation token expiry, JWT checks and timestamps; `Date.now` by default. */
  now?: () => number;
  /** The author of everything Loom posts; defaults to `{ login: "loom[bot]", type: "Bot" }`. */
  botUser?: FakeUser;
  /** Check bodies against GitHub's OpenAPI description (loads 13 MB once); defaults to true. */
  checkBodies?: boolean;
}

/**
 * A running fake; see {@link startFakeGithub}. `await using` closes it. A seeded conversation
 * comment is by `octocat` (a person) unless given.
 */
export interface FakeGithub
  extends
    kit.FakeApi<FakeFailure>,
    seed.SeedsPullRequests<FakePullRequestInput, FakePullRequest>,
    HoldsIssueComments<FakeUser> {
  /**
   * The API URL to give Loom (`LOOM_GITHUB_API_URL`), with the path prefix, no trailing slash.
   * Requests are recorded with their path below it: `/repos/o/r/pulls/1`.
   */
  url: string;
  /** Bodies GitHub's OpenAPI description would refuse; tests assert this stays empty. */
  violations: BodyViolation[];
  /**
   * The commits of every repository, which `/compare/{base}...{head}` answers from: a pull
   * request's base and head are in it once seeded (the head a child of the base), and a new
   * head given to `updatePullRequest` joins it as a push unless a test added it first.
   */
  commits: CommitGraph;
  /** Creates a repository (idempotent), with the installation of the GitHub App that covers it. */
  addRepo(repo: string, options?: { installationId?: number }): void;
  /**
   * Makes `user` a collaborator of `repo` with `permission` (admin, write, read), as
   * `GET /repos/{o}/{r}/collaborators/{user}/permission` answers it. The owner is admin; anyone
   * else reads (the fake's repositories are public).
   */
  grant(repo: string, user: string, permission: "admin" | "write" | "read"): void;
  pullRequest(repo: string, number: number): FakePullRequest | undefined;
  /** A file's text at a ref; refs are matched literally (a branch name and a SHA are two keys). */
  setFile(repo: string, ref: string, path: string, text: string): void;
  /** The inline comments on a pull request, oldest first, pending ones included. */
  reviewComments(repo: string, pr: number): FakeReviewComment[];
  /**
   * Seeds an inline comment on the head of a pull request by someone else (`octocat`, a person,
   * unless given), posted alone as `POST /pulls/{n}/comments` posts it.
   */
  addReviewComment(
    repo: string,
    pr: number,
    comment: { path: string; line: number; body: string },
    user?: FakeUser,
  ): FakeReviewComment;
  reviews(repo: string, pr: number): FakeReview[];
  statuses(repo: string, sha: string): FakeStatus[];
  /**
   * Turns on GitHub App mode: `/app/…` and `/repos/{o}/{r}/installation` want a JWT signed with
   * the key matching `publicKey` (a CryptoKey or SPKI PEM) and issued by `appId`, and every
   * other call wants an unexpired installation token for the repository's installation.
   */
  enableApp(app: { appId: string; publicKey: CryptoKey | string; tokenLifetimeMs?: number }): void;
  /** The installation tokens minted so far, oldest first. */
  installationTokens(): FakeInstallationToken[];
}

/**
 * Failures GitHub really sends, for {@link FakeGithub.failNext}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { githubFailure, startFakeGithub } from "./server.ts";
 *
 * await using github = await startFakeGithub({ checkBodies: false });
 * github.addPullRequest({ repo: "octo/app", number: 7, diff: "diff --git a/a.ts b/a.ts\n" });
 * github.failNext(githubFailure.rateLimited(3), { method: "GET", path: /\/pulls\/7$/ });
 * github.failNext(githubFailure.diffTooLarge(), { times: Infinity });
 *
 * const limited = await fetch(`${github.url}/repos/octo/app/pulls/7`);
 * await limited.body?.cancel();
 * assert.equal(limited.status, 429);
 * assert.equal(limited.headers.get("retry-after"), "3");
 * const diff = await fetch(`${github.url}/repos/octo/app/pulls/7`, {
 *   headers: { accept: "application/vnd.github.diff" },
 * });
 * await diff.body?.cancel();
 * assert.equal(diff.status, 406); // only the diff is refused
 * const pull = await fetch(`${github.url}/repos/octo/app/pulls/7`);
 * assert.equal((await pull.json()).number, 7);
 * ```
 */
export const githubFailure = {
  /** A secondary rate limit: 429 (GitHub also uses 403) with `retry-after` in seconds. */
  rateLimited(retryAfterSeconds: number, status: 403 | 429 = 429): FakeFailure {
    return {
      status,
      headers: { "retry-after": String(retryAfterSeconds) },
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      },
    };
  },
  /** The primary rate limit: 403 (or 429) with `x-ratelimit-remaining: 0` and the reset time. */
  primaryRateLimit(resetEpochSeconds: number, status: 403 | 429 = 403): FakeFailure {
    return {
      status,
      headers: {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": String(resetEpochSeconds),
        "x-ratelimit-resource": "core",
      },
      body: {
        message: "API rate limit exceeded for installation ID 1.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      },
    };
  },
  /** A 5xx from GitHub's edge (502 by default). */
  serverError(status = 502): FakeFailure {
    return { status, body: { message: "Server Error" } };
  },
  /** 406 for the `.diff` of a pull request over 300 files or 20,000 lines. */
  diffTooLarge(): FakeFailure {
    return {
      status: 406,
      onlyDiff: true,
      body: {
        message:
          "Sorry, the diff exceeded the maximum number of files (300). Consider using 'List pull requests files' API or locally cloning the repository instead.",
        errors: [{ resource: "PullRequest", field: "diff", code: "too_large" }],
        documentation_url: "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files",
        status: "406",
      },
    };
  },
  /** Any answer. */
  http: kit.httpFailure,
};

/**
 * A key pair for a fake GitHub App: the private key in both PEM forms GitHub users hold (PKCS#1
 * is what GitHub's "Generate a private key" downloads) and as a key to sign with, and the public
 * key for {@link FakeGithub.enableApp}.
 */
export async function generateAppKeys(): Promise<
  { publicKey: CryptoKey; privateKey: CryptoKey; pkcs1Pem: string; pkcs8Pem: string }
> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  // PrivateKeyInfo = SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } }.
  const outer = readDer(pkcs8, 0);
  const version = readDer(pkcs8, outer.start);
  const algorithm = readDer(pkcs8, version.end);
  const octets = readDer(pkcs8, algorithm.end);
  return {
    publicKey: pair.publicKey,
    privateKey: pair.privateKey,
    pkcs8Pem: pem("PRIVATE KEY", pkcs8),
    pkcs1Pem: pem("RSA PRIVATE KEY", pkcs8.slice(octets.start, octets.end)),
  };
}

/**
 * A webhook delivery as GitHub sends it, signed with `secret`, to POST to Loom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verify } from "@octokit/webhooks-methods";
 * import { githubWebhook } from "./server.ts";
 *
 * const payload = { action: "opened", number: 7 };
 * const d = await githubWebhook({ secret: "s3cret", event: "pull_request", payload });
 * assert.equal(d.headers["x-github-event"], "pull_request");
 * assert.equal(await verify("s3cret", d.body, d.headers["x-hub-signature-256"]), true);
 * // To deliver it: POST d.body with d.headers to Loom's /webhooks/github.
 * ```
 */
export async function githubWebhook(input: {
  secret: string;
  event: string;
  payload: unknown;
  deliveryId?: string;
}): Promise<{ headers: Record<string, string>; body: string }> {
  const body = JSON.stringify(input.payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": input.event,
      "x-github-delivery": input.deliveryId ?? crypto.randomUUID(),
      "x-hub-signature-256": await sign(input.secret, body),
    },
  };
}

interface RepoState {
  fullName: string;
  installationId?: number;
  pulls: Map<number, PullState>;
  files: Map<string, string>;
  /** Collaborators' permissions, by login. */
  permissions: Map<string, string>;
}

interface PullState extends FakePullRequest {
  /** Every head the pull request had: comments may target any of them. */
  shas: Set<string>;
}

interface Route extends kit.HandledRoute {
  /**
   * `repo`: a repository call; `app`: wants the App's JWT; `user`: the token's own user, which
   * an App's installation token may not read (403, as GitHub answers).
   */
  auth: "repo" | "app" | "user";
  /** The path as GitHub's OpenAPI description spells it, to check bodies against. */
  template?: string;
}

const MAX_BODY = 65_536;
const PAGE_SIZE = { param: "per_page", byDefault: 30, max: 100 };
const VALIDATION_DOCS = "https://docs.github.com/rest/pulls/comments";

/**
 * Starts the fake on a free port of 127.0.0.1. Always `close()` it (in a `finally`): an open
 * server fails Deno's resource sanitizer.
 */
export function startFakeGithub(options: FakeGithubOptions = {}): Promise<FakeGithub> {
  const now = options.now ?? Date.now;
  const prefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const bot = options.botUser ?? { login: "loom[bot]", type: "Bot" };
  const checkBodies = options.checkBodies ?? true;

  const violations: BodyViolation[] = [];
  const commits = createCommitGraph();
  const repos = new Map<string, RepoState>();
  const conversation = issueComments<FakeUser>({ nextId: () => nextId++, iso: () => iso() });
  const reviewComments: FakeReviewComment[] = [];
  const reviews: FakeReview[] = [];
  const statuses: FakeStatus[] = [];
  const tokens: FakeInstallationToken[] = [];
  let app: { appId: string; key: Promise<CryptoKey>; lifetimeMs: number } | null = null;
  let nextId = 1000;

  const iso = () => new Date(now()).toISOString();
  const repoOf = (fullName: string): RepoState => {
    let repo = repos.get(fullName);
    if (!repo) {
      repo = { fullName, pulls: new Map(), files: new Map(), permissions: new Map() };
      repos.set(fullName, repo);
    }
    return repo;
  };

  // --- JSON as GitHub shapes it ---------------------------------------------------------------

  const userJson = (u: FakeUser) => ({ login: u.login, id: 1, type: u.type });
  const pullJson = (p: PullState) => ({
    url: `${base}/repos/${p.repo}/pulls/${p.number}`,
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body === "" ? null : p.body,
    draft: p.draft,
    merged: p.merged,
    merged_at: p.merged ? iso() : null,
    user: userJson({ login: p.author, type: "User" }),
    head: { sha: p.headSha, ref: p.headRef, repo: { full_name: p.repo } },
    base: { sha: p.baseSha, ref: p.baseRef, repo: { full_name: p.repo } },
    labels: p.labels.map((name, i) => ({ id: i + 1, name, color: "ededed", default: false })),
  });
  const issueCommentJson = (c: FakeIssueComment) => ({
    id: c.id,
    body: c.body,
    user: userJson(c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    html_url: `https://github.com/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
  });
  const reviewCommentJson = (c: FakeReviewComment) => ({
    id: c.id,
    pull_request_review_id: c.reviewId,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    path: c.path,
    line: c.line,
    original_line: c.line,
    side: c.side,
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startSide,
    body: c.body,
    user: userJson(c.user),
    subject_type: "line",
    html_url: `https://github.com/${c.repo}/pull/${c.pull}#discussion_r${c.id}`,
  });
  const reviewJson = (r: FakeReview) => ({
    id: r.id,
    body: r.body,
    state: r.state,
    commit_id: r.commitId,
    user: userJson(r.user),
    submitted_at: r.state === "PENDING" ? undefined : iso(),
    html_url: `https://github.com/${r.repo}/pull/${r.pull}#pullrequestreview-${r.id}`,
  });
  const statusJson = (s: FakeStatus) => ({
    id: s.id,
    state: s.state,
    context: s.context,
    description: s.description,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
  });

  // --- Answers -------------------------------------------------------------------------------

  const notFound = () =>
    json(
      { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" },
      404,
    );
  const invalid = (errors: unknown[], docs = VALIDATION_DOCS) =>
    json({ message: "Validation Failed", errors, documentation_url: docs, status: "422" }, 422);

  const paginate = (url: URL, items: unknown[]) => {
    const { page, last, items: slice } = pageOf(url, items, PAGE_SIZE);
    const links: string[] = [];
    if (page > 1) links.push(pageLink(url, page - 1, "prev"));
    if (page < last) links.push(pageLink(url, page + 1, "next"), pageLink(url, last, "last"));
    if (page > 1) links.push(pageLink(url, 1, "first"));
    return json(slice, 200, links.length ? { link: links.join(", ") } : {});
  };

  // --- Inline comment anchors, as GitHub validates them ----------------------------------------

  interface Anchor {
    path?: unknown;
    line?: unknown;
    side?: unknown;
    start_line?: unknown;
    start_side?: unknown;
    body?: unknown;
  }

  const anchorProblem = (pull: PullState, c: Anchor): string | null => {
    if (typeof c.body !== "string" || c.body.trim() === "") return "body can't be blank";
    if (c.body.length > MAX_BODY) return `Body is too long (maximum is ${MAX_BODY} characters)`;
    if (typeof c.path !== "string") return "pull_request_review_thread.path can't be blank";
    const side = c.side ?? "RIGHT";
    if (side !== "RIGHT" && side !== "LEFT") return "pull_request_review_thread.side is invalid";
    const which = side === "RIGHT" ? "new" : "old";
    const file = fileOn(pull.diff, c.path, which);
    if (!file) return "Path could not be resolved";
    if (typeof c.line !== "number") return "pull_request_review_thread.line can't be blank";
    if (!commentableLines(file, which).has(c.line)) {
      return "pull_request_review_thread.line must be part of the diff";
    }
    if (c.start_line !== undefined && c.start_line !== null) {
      if (typeof c.start_line !== "number") {
        return "pull_request_review_thread.start_line is invalid";
      }
      if (c.start_line >= c.line) {
        return "pull_request_review_thread.start_line must precede the end line";
      }
      if (!inOneHunk(file, which, c.line, c.start_line)) {
        return "pull_request_review_thread.start_line must be part of the same hunk as the line";
      }
    }
    return null;
  };

  const newReviewComment = (
    pull: PullState,
    c: Anchor,
    commitId: string,
    reviewId: number | null,
    pending: boolean,
    user: FakeUser = bot,
  ): FakeReviewComment => ({
    id: nextId++,
    repo: pull.repo,
    pull: pull.number,
    reviewId,
    commitId,
    path: c.path as string,
    line: c.line as number,
    side: (c.side ?? "RIGHT") as "LEFT" | "RIGHT",
    startLine: typeof c.start_line === "number" ? c.start_line : null,
    startSide: typeof c.start_line === "number"
      ? (c.start_side ?? c.side ?? "RIGHT") as "LEFT" | "RIGHT"
      : null,
    body: c.body as string,
    user,
    pending,
  });

  const pullOr404 = (params: string[]) => repos.get(params[0])?.pulls.get(Number(params[1]));
  const onPull = (handle: Parameters<typeof kit.onFound<PullState>>[2]) =>
    kit.onFound(pullOr404, notFound, handle);

  // --- Routes ------------------------------------------------------------------------------

  const R = "/repos/([^/]+/[^/]+)";
  const routes: Route[] = [
    {
      // Who the token is: the bot user everything Loom posts is by.
      method: "GET",
      pattern: /^\/user$/,
      auth: "user",
      handle: () => json({ ...userJson(bot), name: null }),
    },
    {
      // The authenticated App; its bot user, the author of what it posts, is `<slug>[bot]`.
      method: "GET",
      pattern: /^\/app$/,
      auth: "app",
      handle: () => {
        const slug = bot.login.replace(/\[bot\]$/, "");
        return json({ id: Number(app?.appId) || 1, slug, name: slug, owner: { login: "octo" } });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/collaborators/([^/]+)/permission$`),
      auth: "repo",
      handle(_req, params) {
        const repo = repos.get(params[0]);
        if (!repo) return notFound();
        const login = decodeURIComponent(params[1]);
        const permission = repo.permissions.get(login) ??
          (repo.fullName.split("/")[0] === login ? "admin" : "read");
        // The legacy `permission` folds maintain into write and triage into read.
        return json({ permission, role_name: permission, user: { login, type: "User" } });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pulls/(\\d+)$`),
      auth: "repo",
      handle: onPull((req, pull) => {
        if (/application\/vnd\.github(\.v3)?\.diff/.test(req.headers["accept"] ?? "")) {
          return text(pull.diff);
        }
        return json(pullJson(pull));
      }),
    },
    {
      // Three-dot only, as on GitHub: the status of head against base, and the diff (or files)
      // from their merge base to head.
      method: "GET",
      pattern: new RegExp(`^${R}/compare/([^/]+?)\\.\\.\\.([^/]+)$`),
      auth: "repo",
      handle(req, params, url) {
        const [, base, head] = params;
        if (!repos.has(params[0]) || !commits.has(base) || !commits.has(head)) return notFound();
        const mergeBase = commits.mergeBase(base, head);
        if (mergeBase === null) {
          return json({
            message: `No common ancestor between ${base} and ${head}.`,
            documentation_url: "https://docs.github.com/rest/commits/commits#compare-two-commits",
            status: "404",
          }, 404);
        }
        if (/application\/vnd\.github(\.v3)?\.diff/.test(req.headers["accept"] ?? "")) {
          return text(commits.diff(mergeBase, head));
        }
        const ahead = commits.between(base, head);
        const behind = commits.between(head, base);
        const status = ahead.length === 0
          ? (behind.length === 0 ? "identical" : "behind")
          : behind.length === 0
          ? "ahead"
          : "diverged";
        const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 250) || 250, 250);
        const commitJson = (sha: string) => ({
          sha,
          parents: commits.get(sha)!.parents.map((p) => ({ sha: p })),
        });
        return json({
          status,
          ahead_by: ahead.length,
          behind_by: behind.length,
          total_commits: ahead.length,
          base_commit: commitJson(base),
          merge_base_commit: commitJson(mergeBase),
          commits: ahead.toReversed().slice(0, perPage).map((c) => commitJson(c.sha)),
          files: diffFiles(commits.diff(mergeBase, head)).map(fileJson),
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pulls/(\\d+)/files$`),
      auth: "repo",
      handle: onPull((_req, pull, _params, url) => {
        return paginate(url, diffFiles(pull.diff).map(fileJson));
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/contents/(.+)$`),
      auth: "repo",
      handle(req, params, url) {
        const repo = repos.get(params[0]);
        const ref = url.searchParams.get("ref") ?? "main";
        const file = repo?.files.get(fileKey(ref, params[1]));
        if (file === undefined) return notFound();
        if (/application\/vnd\.github(\.v3)?\.raw/.test(req.headers["accept"] ?? "")) {
          return text(file, "application/vnd.github.raw; charset=utf-8");
        }
        const bytes = new TextEncoder().encode(file);
        return json({
          type: "file",
          encoding: "base64",
          path: params[1],
          name: params[1].split("/").pop(),
          size: bytes.length,
          content: base64(bytes),
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/issues/(\\d+)/comments$`),
      auth: "repo",
      handle: onPull((_req, _pull, params, url) => {
        const list = conversation.on(params[0], Number(params[1]));
        return paginate(url, list.map(issueCommentJson));
      }),
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/issues/(\\d+)/comments$`),
      auth: "repo",
      template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
      handle: onPull((req, pull) => {
        const problem = commentBodyProblem(req.body?.body);
        if (problem) return problem;
        const comment = conversation.add(pull.repo, pull.number, req.body.body, bot);
        return json(issueCommentJson(comment), 201);
      }),
    },
    {
      method: "PATCH",
      pattern: new RegExp(`^${R}/issues/comments/(\\d+)$`),
      auth: "repo",
      template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
      handle(req, params) {
        const comment = conversation.find(params[0], Number(params[1]));
        if (!comment) return notFound();
        const problem = commentBodyProblem(req.body?.body);
        if (problem) return problem;
        conversation.edit(comment, req.body.body);
        return json(issueCommentJson(comment));
      },
    },
    {
      method: "DELETE",
      pattern: new RegExp(`^${R}/issues/comments/(\\d+)$`),
      auth: "repo",
      handle(_req, params) {
        return conversation.remove(params[0], Number(params[1])) ? noContent() : notFound();
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pulls/(\\d+)/comments$`),
      auth: "repo",
      handle: onPull((_req, _pull, params, url) => {
        const list = reviewComments.filter((c) =>
          c.repo === params[0] && c.pull === Number(params[1]) && !c.pending
        );
        return paginate(url, list.map(reviewCommentJson));
      }),
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/pulls/(\\d+)/comments$`),
      auth: "repo",
      template: "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
      handle: onPull((req, pull) => {
        const body = req.body ?? {};
        if (typeof body.commit_id !== "string") {
          return invalid(["pull_request_review_thread.commit_id can't be blank"]);
        }
        if (!pull.shas.has(body.commit_id)) {
          return invalid([`No commit found for SHA: ${body.commit_id}`]);
        }
        const problem = anchorProblem(pull, body);
        if (problem) return invalid([problem]);
        const comment = newReviewComment(pull, body, body.commit_id, null, false);
        reviewComments.push(comment);
        return json(reviewCommentJson(comment), 201);
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pulls/(\\d+)/reviews$`),
      auth: "repo",
      handle: onPull((_req, _pull, params, url) => {
        const list = reviews.filter((r) => r.repo === params[0] && r.pull === Number(params[1]));
        return paginate(url, list.map(reviewJson));
      }),
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/pulls/(\\d+)/reviews$`),
      auth: "repo",
      template: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      handle: onPull((req, pull) => {
        const body = req.body ?? {};
        const commitId = body.commit_id ?? pull.headSha;
        if (!pull.shas.has(commitId)) return invalid([`No commit found for SHA: ${commitId}`]);
        const comments: Anchor[] = Array.isArray(body.comments) ? body.comments : [];
        const event = body.event;
        if (event !== undefined && !["COMMENT", "APPROVE", "REQUEST_CHANGES"].includes(event)) {
          return invalid([`event is not included in the list`]);
        }
        const text = typeof body.body === "string" ? body.body : "";
        if (
          (event === "REQUEST_CHANGES" || (event === "COMMENT" && comments.length === 0)) && !text
        ) {
          return invalid(["Review body can't be blank"]);
        }
        // One bad comment fails the whole review, as on GitHub.
        const problems = comments.map((c) => anchorProblem(pull, c)).filter((p) => p !== null);
        if (problems.length > 0) return invalid(problems);
        const state = event === "COMMENT"
          ? "COMMENTED"
          : event === "APPROVE"
          ? "APPROVED"
          : event === "REQUEST_CHANGES"
          ? "CHANGES_REQUESTED"
          : "PENDING";
        const review: FakeReview = {
          id: nextId++,
          repo: pull.repo,
          pull: pull.number,
          commitId,
          body: text,
          state,
          user: bot,
          commentIds: [],
        };
        for (const c of comments) {
          const comment = newReviewComment(pull, c, commitId, review.id, state === "PENDING");
          reviewComments.push(comment);
          review.commentIds.push(comment.id);
        }
        reviews.push(review);
        return json(reviewJson(review));
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pulls/(\\d+)/reviews/(\\d+)/comments$`),
      auth: "repo",
      handle(_req, params, url) {
        const review = reviews.find((r) =>
          r.repo === params[0] && r.pull === Number(params[1]) && r.id === Number(params[2])
        );
        if (!review) return notFound();
        const list = reviewComments.filter((c) => c.reviewId === review.id);
        return paginate(url, list.map(reviewCommentJson));
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/statuses/([^/]+)$`),
      auth: "repo",
      template: "/repos/{owner}/{repo}/statuses/{sha}",
      handle(req, params) {
        const repo = repos.get(params[0]);
        if (!repo) return notFound();
        const sha = params[1];
        const known = [...repo.pulls.values()].some((p) => p.shas.has(sha) || p.baseSha === sha);
        if (!known) return invalid([`No commit found for SHA: ${sha}`]);
        const body = req.body ?? {};
        if (!["error", "failure", "pending", "success"].includes(body.state)) {
          return invalid([{
            resource: "Status",
            code: "custom",
            field: "state",
            message: "state is not included in the list",
          }]);
        }
        if (typeof body.description === "string" && body.description.length > 140) {
          return invalid([{
            resource: "Status",
            code: "custom",
            field: "description",
            message: "description is too long (maximum is 140 characters)",
          }]);
        }
        const status: FakeStatus = {
          id: nextId++,
          repo: repo.fullName,
          sha,
          state: body.state,
          context: body.context ?? "default",
          description: body.description ?? null,
          targetUrl: body.target_url ?? null,
          createdAt: iso(),
        };
        statuses.push(status);
        return json(statusJson(status), 201);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/commits/([^/]+)/statuses$`),
      auth: "repo",
      handle(_req, params, url) {
        const list = statuses.filter((s) => s.repo === params[0] && s.sha === params[1]).reverse();
        return paginate(url, list.map(statusJson));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/installation$`),
      auth: "app",
      handle(_req, params) {
        const id = repos.get(params[0])?.installationId;
        if (id === undefined) return notFound();
        return json({
          id,
          app_id: Number(app?.appId) || 1,
          account: { login: params[0].split("/")[0] },
        });
      },
    },
    {
      method: "POST",
      pattern: /^\/app\/installations\/(\d+)\/access_tokens$/,
      auth: "app",
      template: "/app/installations/{installation_id}/access_tokens",
      handle(_req, params) {
        const id = Number(params[0]);
        if (![...repos.values()].some((r) => r.installationId === id)) return notFound();
        const minted: FakeInstallationToken = {
          token: `ghs_${crypto.randomUUID().replaceAll("-", "")}`,
          installationId: id,
          expiresAt: now() + (app?.lifetimeMs ?? 3_600_000),
        };
        tokens.push(minted);
        return json({
          token: minted.token,
          expires_at: new Date(minted.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
          permissions: {
            pull_requests: "write",
            contents: "read",
            statuses: "write",
            issues: "write",
          },
          repository_selection: "all",
        }, 201);
      },
    },
  ];

  function fileJson(f: DiffFile) {
    const status = f.status === "deleted" ? "removed" : f.status;
    const patch = f.binary || f.hunks.length === 0
      ? undefined
      : f.hunks.map(renderHunk).join("").replace(/\n$/, "");
    return {
      sha: "0".repeat(40),
      filename: f.path,
      status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      ...(f.status === "renamed" || f.status === "copied" ? { previous_filename: f.oldPath } : {}),
      ...(patch === undefined ? {} : { patch }),
    };
  }

  function commentBodyProblem(body: unknown): Response | null {
    if (typeof body !== "string" || body === "") {
      return invalid([{ resource: "IssueComment", code: "missing_field", field: "body" }]);
    }
    if (body.length > MAX_BODY) {
      return invalid([{
        resource: "IssueComment",
        code: "unprocessable",
        field: "data",
        message: `Body is too long (maximum is ${MAX_BODY} characters)`,
      }]);
    }
    return null;
  }

  // --- Credentials ----------------------------------------------------------------------------

  const badCredentials = (message = "Bad credentials") =>
    json({ message, documentation_url: "https://docs.github.com/rest", status: "401" }, 401);

  const credentialOf = (req: kit.RecordedRequest) =>
    /^(?:bearer|token)\s+(.+)$/i.exec(req.headers["authorization"] ?? "")?.[1] ?? null;

  const checkJwt = async (jwt: string | null): Promise<string | null> => {
    if (!app) return "GitHub App mode is not enabled on the fake";
    const parts = jwt?.split(".") ?? [];
    if (parts.length !== 3) return "A JSON web token could not be decoded";
    const [header, payload] = parts.slice(0, 2).map((p) => {
      try {
        return JSON.parse(new TextDecoder().decode(fromBase64Url(p)));
      } catch {
        return null;
      }
    });
    if (header?.alg !== "RS256") return "A JSON web token could not be decoded";
    const valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      await app.key,
      fromBase64Url(parts[2]),
      new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    );
    if (!valid) return "A JSON web token could not be decoded";
    const seconds = Math.floor(now() / 1000);
    if (String(payload?.iss) !== app.appId) return "'Issuer' claim ('iss') must be the App ID";
    if (typeof payload?.iat !== "number" || payload.iat > seconds + 60) {
      return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
    }
    if (typeof payload?.exp !== "number" || payload.exp <= seconds) {
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    }
    if (payload.exp > seconds + 600) {
      return "'Expiration time' claim ('exp') is too far in the future";
    }
    return null;
  };

  const authorize = async (req: kit.RecordedRequest, route: Route, params: string[]) => {
    const credential = credentialOf(req);
    if (route.auth === "app") {
      const problem = await checkJwt(credential);
      return problem ? badCredentials(problem) : null;
    }
    if (app) {
      const minted = tokens.find((t) => t.token === credential);
      if (!minted || minted.expiresAt <= now()) return badCredentials();
      if (route.auth === "user") {
        return json({
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
          status: "403",
        }, 403);
      }
      // An installation token sees only its installation's repositories.
      if (repos.get(params[0])?.installationId !== minted.installationId) return notFound();
      return null;
    }
    if (options.token !== undefined && credential !== options.token) return badCredentials();
    return null;
  };

  // --- Server --------------------------------------------------------------------------------

  const api = kit.serveRoutes<Route, FakeFailure>({
    prefix,
    routes,
    notFound: () => notFound(),
    outside: () => notFound(),
    failureApplies: (failure, req) =>
      !failure.onlyDiff || /\.diff/.test(req.headers["accept"] ?? ""),
    failureContentType: "application/json; charset=utf-8",
    async check(req, route, params) {
      const refused = await authorize(req, route, params);
      if (refused) return refused;
      if (checkBodies && route.template) {
        const problems = await checkRequestBody(route.method, route.template, req.body);
        if (problems.length > 0) {
          violations.push({ method: route.method, path: req.path, problems });
        }
      }
      return null;
    },
  });
  const base = api.url;

  const fakePull = (p: PullState): FakePullRequest => {
    const { shas: _shas, ...rest } = p;
    return { ...rest, labels: [...rest.labels] };
  };

  return Promise.resolve({
    ...api,
    violations,
    commits,
    grant(repo, user, permission) {
      repoOf(repo).permissions.set(user, permission);
    },
    addRepo(repo, opts = {}) {
      const state = repoOf(repo);
      if (opts.installationId !== undefined) state.installationId = opts.installationId;
    },
    addPullRequest(input) {
      const repo = repoOf(input.repo);
      const number = input.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
      const seeded = seed.seededPullRequest(input, number, "octocat");
      const pull: PullState = {
        ...seeded,
        draft: input.draft ?? false,
        shas: new Set([seeded.headSha]),
      };
      seed.trackCommits(commits, pull);
      repo.pulls.set(number, pull);
      return fakePull(pull);
    },
    updatePullRequest(repo, number, changes) {
      const before = repos.get(repo)?.pulls.get(number)?.headSha;
      const pull = seed.movePullRequest(repos.get(repo)?.pulls.get(number), repo, number, changes);
      seed.trackCommits(commits, pull, before);
      return fakePull(pull);
    },
    pullRequest(repo, number) {
      const pull = repos.get(repo)?.pulls.get(number);
      return pull ? fakePull(pull) : undefined;
    },
    setFile(repo, ref, path, text) {
      repoOf(repo).files.set(fileKey(ref, path), text);
    },
    addReviewComment(repo, pr, comment, user = { login: "octocat", type: "User" }) {
      const pull = repos.get(repo)?.pulls.get(pr);
      if (!pull) throw new Error(`no pull request ${repo}#${pr} on the fake`);
      const added = newReviewComment(pull, comment, pull.headSha, null, false, user);
      reviewComments.push(added);
      return { ...added };
    },
    addIssueComment: (repo, pr, body, user = { login: "octocat", type: "User" }) => ({
      ...conversation.add(repo, pr, body, user),
    }),
    deleteIssueComment(repo, id) {
      conversation.remove(repo, id);
    },
    comments: (repo, pr) => conversation.on(repo, pr).map((c) => ({ ...c })),
    reviewComments: (repo, pr) =>
      reviewComments.filter((c) => c.repo === repo && c.pull === pr).map((c) => ({ ...c })),
    reviews: (repo, pr) =>
      reviews.filter((r) => r.repo === repo && r.pull === pr).map((r) => ({
        ...r,
        commentIds: [...r.commentIds],
      })),
    statuses: (repo, sha) =>
      statuses.filter((s) => s.repo === repo && s.sha === sha).map((s) => ({ ...s })),
    enableApp({ appId, publicKey, tokenLifetimeMs }) {
      app = {
        appId,
        key: typeof publicKey === "string" ? importSpki(publicKey) : Promise.resolve(publicKey),
        lifetimeMs: tokenLifetimeMs ?? 3_600_000,
      };
    },
    installationTokens: () => tokens.map((t) => ({ ...t })),
  });
}

function fileKey(ref: string, path: string): string {
  return `${ref}\u0000${path}`;
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (c) => c.charCodeAt(0));
}

async function importSpki(pemText: string): Promise<CryptoKey> {
  const body = pemText.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return await crypto.subtle.importKey(
    "spki",
    Uint8Array.from(atob(body), (c) => c.charCodeAt(0)),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
}

/** Reads one DER element at `offset`: where its content starts and ends. */
function readDer(bytes: Uint8Array, offset: number): { start: number; end: number } {
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    start += count;
  }
  return { start, end: start + length };
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function pem(label: string, der: Uint8Array): string {
  const lines = base64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
