/**
 * A stateful fake Gitea 1.2x (or Forgejo) API v1 on a real 127.0.0.1 port.
 *
 * It answers the calls Loom makes the way Gitea does, including its failures: a review comment
 * on a line outside the diff is a 500 ("CreateCodeComment") that leaves the comments before it
 * in a PENDING review, a review without `event` stays PENDING (visible to its author alone),
 * lists are paginated with `page`/`limit`, `Link` and `X-Total-Count`, and the token is
 * checked (`Authorization: token …` or `Bearer …`). It can be told to fail the next calls (429
 * with `Retry-After`, 5xx) and records every request. As Forgejo it also serves
 * `/api/forgejo/v1/version` and, from version 16, honours `extra_lines_count`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeGitea } from "./server.ts";
 *
 * await using gitea = await startFakeGitea({ token: "t0ken", flavor: "forgejo" });
 * gitea.addPullRequest({
 *   repo: "octo/app",
 *   number: 7,
 *   diff: "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
 * });
 * // Loom would be pointed at gitea.url; here two reviews by hand.
 * const review = (line: number) =>
 *   fetch(`${gitea.url}/api/v1/repos/octo/app/pulls/7/reviews`, {
 *     method: "POST",
 *     headers: { authorization: "token t0ken", "content-type": "application/json" },
 *     body: JSON.stringify({
 *       event: "COMMENT",
 *       comments: [{ path: "a.ts", new_position: line, old_position: 0, body: "Nit" }],
 *     }),
 *   });
 * const onTheDiff = await review(1);
 * await onTheDiff.body?.cancel();
 * assert.equal(onTheDiff.status, 200);
 * const outside = await review(9); // not a line of the diff: Gitea's 500
 * await outside.body?.cancel();
 * assert.equal(outside.status, 500);
 * assert.equal(gitea.reviewComments("octo/app", 7).length, 1);
 * ```
 * @module
 */

import { commentableLines } from "../../../src/diff/mod.ts";
import { fileOn, inOneHunk } from "../diff_lines.ts";
import { fakeSha as sha } from "../fake_sha.ts";
import { json, noContent, text } from "../answers.ts";
import * as kit from "../fake_server.ts";
import { giteaUser, pullRequestJson } from "./payloads.ts";
import { type HoldsIssueComments, type IssueComment, issueComments } from "../issue_comments.ts";
import { hmacHex } from "../hmac.ts";
import { pageLink, pageOf } from "../pagination.ts";
import * as seed from "../pull_request_seed.ts";
import { type CommitGraph, createCommitGraph, type FakeCommit } from "../commit_graph.ts";

/** How a pull request is seeded; everything but `repo` has a default. */
export type FakePullRequestInput = seed.PullRequestSeed;

/** A pull request as the fake holds it; `.diff` serves its diff. */
export type FakePullRequest = seed.SeededPullRequest;

/** A conversation comment (`/issues/{n}/comments`). */
export type FakeIssueComment = IssueComment<string>;

/** A review (`/pulls/{n}/reviews`). */
export interface FakeReview {
  id: number;
  repo: string;
  pull: number;
  user: string;
  /** `PENDING` until submitted: Gitea shows it to its author alone. */
  state: "PENDING" | "COMMENT" | "APPROVED" | "REQUEST_CHANGES";
  body: string;
  commitId: string;
}

/** A code comment of a review. */
export interface FakeReviewComment {
  id: number;
  repo: string;
  pull: number;
  reviewId: number;
  path: string;
  /** New-file line; 0 for an old-side comment. */
  newLine: number;
  /** Old-file line; 0 for a new-side comment. */
  oldLine: number;
  /** Forgejo: lines covered after the anchored one; 0 on Gitea, which ignores the field. */
  extraLines: number;
  body: string;
  commitId: string;
  user: string;
}

/** A commit status (`/statuses/{sha}`). */
export interface FakeStatus {
  id: number;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description: string;
  targetUrl: string;
}

/** Options for {@link startFakeGitea}. */
export interface FakeGiteaOptions {
  /** Calls must carry this token; unset, any call passes as the bot user. */
  token?: string;
  /** `gitea` (default) or `forgejo`. */
  flavor?: "gitea" | "forgejo";
  /** What `/api/v1/version` answers; defaults to `1.24.6`, or `16.0.0+gitea-1.22.0` as Forgejo. */
  version?: string;
  /** Serve below a sub-path (`/gitea`), as an instance with ROOT_URL `https://host/gitea/`. */
  pathPrefix?: string;
  /**
   * Gitea's ROOT_URL, which `Link` headers and `html_url`s are built from; by default the
   * fake's own URL.
   */
  rootUrl?: string;
  /** The login of the token's user; `loom-bot` by default. */
  botLogin?: string;
  /** False: the token lacks `read:user`, and `GET /user` answers 403. */
  readUser?: boolean;
  /** Gitea's `MAX_RESPONSE_ITEMS` (default 50): the largest page. */
  maxResponseItems?: number;
  /** Gitea's `WORK_IN_PROGRESS_PREFIXES`, for the `draft` field; `WIP:` and `[WIP]` by default. */
  wipPrefixes?: string[];
  now?: () => number;
}

/**
 * A running fake; see {@link startFakeGitea}. `await using` closes it. A seeded conversation
 * comment is by `alice` unless given.
 */
export interface FakeGitea
  extends
    kit.FakeApi<kit.FakeFailure>,
    seed.SeedsPullRequests<FakePullRequestInput, FakePullRequest>,
    HoldsIssueComments<string> {
  /**
   * The instance URL to give Loom (`LOOM_GITEA_URL`), with the path prefix, no trailing slash.
   * Requests are recorded with their path below it: `/api/v1/repos/o/r/…`.
   */
  url: string;
  /**
   * The commits of every repository, which `/compare/{base}...{head}` (and `..`) answers from,
   * and whose files `/raw/{path}?ref={sha}` serves: a pull request's base and head are in it
   * once seeded (the head a child of the base), and a new head given to `updatePullRequest`
   * joins it as a push unless a test added it.
   */
  commits: CommitGraph;
  /** A file's text at a ref (a branch name and a SHA are two keys). */
  setFile(repo: string, ref: string, path: string, text: string): void;
  /**
   * Makes `user` a collaborator of `repo` with `permission`, as
   * `GET /repos/{o}/{r}/collaborators/{user}/permission` answers it: the owner is `owner`, anyone
   * else reads (the fake's repositories are public).
   */
  grant(repo: string, user: string, permission: "admin" | "write" | "read"): void;
  /** Every review of a pull request, pending ones included. */
  reviews(repo: string, pr: number): FakeReview[];
  /** Every code comment of a pull request, oldest first, those of pending reviews included. */
  reviewComments(repo: string, pr: number): FakeReviewComment[];
  /**
   * Seeds a submitted review by someone else (`alice`, unless given) with one code comment on
   * new-side line `line` of `path`, as that person's `POST /pulls/{n}/reviews` would leave it.
   */
  addReview(
    repo: string,
    pr: number,
    comment: { path: string; line: number; body: string },
    user?: string,
  ): FakeReview;
  statuses(repo: string, sha: string): FakeStatus[];
}

/**
 * Failures a Gitea instance (or the proxy in front of it) really sends, for
 * {@link FakeGitea.failNext}.
 */
export const giteaFailure = {
  /** Gitea has no API rate limit of its own: this is a reverse proxy's 429, in plain text. */
  rateLimited(retryAfterSeconds: number): kit.FakeFailure {
    return {
      status: 429,
      headers: { "retry-after": String(retryAfterSeconds), "content-type": "text/plain" },
      body: "429 Too Many Requests",
    };
  },
  /** A 5xx (502 by default, a proxy whose Gitea is restarting). */
  serverError(status = 502): kit.FakeFailure {
    return { status, body: status === 500 ? { message: "", url: "" } : "Bad Gateway" };
  },
  /** Any answer. */
  http: kit.httpFailure,
};

/**
 * A webhook delivery as Gitea (or Forgejo) sends it from a Gitea-type hook: the body pretty
 * printed as Gitea marshals it, every header Gitea sets (its own, Gogs', GitHub's), signed with
 * `secret` (lowercase hex HMAC-SHA256, no prefix). With an empty secret the signature headers
 * are present but empty, as Gitea sends them for a hook without a secret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hmacHex } from "../hmac.ts";
 * import { giteaWebhook } from "./server.ts";
 *
 * const payload = { action: "synchronized", number: 7 };
 * const d = await giteaWebhook({ secret: "s3cret", eventType: "pull_request_sync", payload });
 * assert.equal(d.headers["x-gitea-event-type"], "pull_request_sync");
 * assert.equal(d.headers["x-gitea-event"], "pull_request");
 * assert.equal(d.headers["x-gitea-signature"], await hmacHex("s3cret", d.body));
 * const unsigned = await giteaWebhook({ secret: "", eventType: "pull_request", payload });
 * assert.equal(unsigned.headers["x-gitea-signature"], ""); // present but empty, as Gitea sends it
 * // To deliver it: POST d.body with d.headers to Loom's /webhooks/gitea.
 * ```
 */
export async function giteaWebhook(input: {
  secret: string;
  /** The fine type (`X-Gitea-Event-Type`): `pull_request`, `pull_request_sync`, … */
  eventType: string;
  payload: unknown;
  deliveryId?: string;
  /** Forgejo also sends its `X-Forgejo-*` headers. */
  flavor?: "gitea" | "forgejo";
}): Promise<{ headers: Record<string, string>; body: string }> {
  const body = JSON.stringify(input.payload, null, 2);
  const id = input.deliveryId ?? crypto.randomUUID();
  const event = COARSE_EVENTS[input.eventType] ?? input.eventType;
  const sha256 = input.secret ? await hmacHex(input.secret, body) : "";
  const sha1 = input.secret ? await hmacHex(input.secret, body, "SHA-1") : "";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Go-http-client/1.1",
    "x-gitea-delivery": id,
    "x-gitea-event": event,
    "x-gitea-event-type": input.eventType,
    "x-gitea-signature": sha256,
    "x-gogs-delivery": id,
    "x-gogs-event": event,
    "x-gogs-event-type": input.eventType,
    "x-gogs-signature": sha256,
    "x-hub-signature": `sha1=${sha1}`,
    "x-hub-signature-256": `sha256=${sha256}`,
    "x-github-delivery": id,
    "x-github-event": event,
    "x-github-event-type": input.eventType,
  };
  if (input.flavor === "forgejo") {
    headers["x-forgejo-delivery"] = id;
    headers["x-forgejo-event"] = event;
    headers["x-forgejo-event-type"] = input.eventType;
    headers["x-forgejo-signature"] = sha256;
  }
  return { headers, body };
}

// modules/webhook/type.go: HookEventType.Event(), the coarse `X-Gitea-Event`.
const COARSE_EVENTS: Record<string, string> = {
  pull_request_sync: "pull_request",
  pull_request_assign: "pull_request",
  pull_request_label: "pull_request",
  pull_request_milestone: "pull_request",
  pull_request_review_request: "pull_request",
  pull_request_comment: "issue_comment",
  pull_request_review_approved: "pull_request_approved",
  pull_request_review_rejected: "pull_request_rejected",
  pull_request_review_comment: "pull_request_comment",
  issue_assign: "issues",
  issue_label: "issues",
  issue_milestone: "issues",
};

interface RepoState {
  fullName: string;
  id: number;
  pulls: Map<number, PullState>;
  files: Map<string, string>;
  refs: Set<string>;
  /** Collaborators' permissions, by login. */
  permissions: Map<string, string>;
}

interface PullState extends FakePullRequest {
  id: number;
  /** Every head the pull request had: comments may target any of them. */
  shas: Set<string>;
  createdAt: string;
}

interface Route extends kit.HandledRoute {
  /** Public routes need no token (`/version`). */
  open?: boolean;
}

/**
 * Starts the fake on a free port of 127.0.0.1. Always `close()` it (or `await using`): an open
 * server fails Deno's resource sanitizer.
 */
export function startFakeGitea(options: FakeGiteaOptions = {}): Promise<FakeGitea> {
  const now = options.now ?? Date.now;
  const flavor = options.flavor ?? "gitea";
  const version = options.version ??
    (flavor === "forgejo" ? "16.0.0+gitea-1.22.0" : "1.24.6");
  // Forgejo 16 added `extra_lines_count`; older Forgejo and Gitea drop the unknown field.
  const extraLines = flavor === "forgejo" && Number(version.split(".")[0]) >= 16;
  const prefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const bot = options.botLogin ?? "loom-bot";
  const maxItems = options.maxResponseItems ?? 50;
  const wip = (options.wipPrefixes ?? ["WIP:", "[WIP]"]).map((p) => p.toUpperCase());

  const repos = new Map<string, RepoState>();
  const commits = createCommitGraph();
  const conversation = issueComments<string>({
    nextId: () => nextId++,
    iso: () => iso(),
    sameRepo: (a, b) => key(a) === key(b),
  });
  const reviews: FakeReview[] = [];
  const codeComments: FakeReviewComment[] = [];
  const statuses: FakeStatus[] = [];
  let nextId = 100;

  const iso = () => new Date(now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const key = (fullName: string) => fullName.toLowerCase();
  const repoOf = (fullName: string): RepoState => {
    let repo = repos.get(key(fullName));
    if (!repo) {
      repo = {
        fullName,
        id: repos.size + 1,
        pulls: new Map(),
        files: new Map(),
        refs: new Set(),
        permissions: new Map(),
      };
      repos.set(key(fullName), repo);
    }
    return repo;
  };

  // --- JSON as Gitea shapes it ----------------------------------------------------------------

  const html = () => (options.rootUrl ?? base).replace(/\/+$/, "");
  const userJson = (login: string) =>
    giteaUser(
      login,
      login === bot ? 2 : 10 + [...login].reduce((a, c) => a + c.charCodeAt(0), 0),
      html(),
      true,
    );
  const repoJson = (r: RepoState) => {
    const [owner, name] = r.fullName.split("/");
    return {
      id: r.id,
      owner: userJson(owner),
      name,
      full_name: r.fullName,
      description: "",
      empty: false,
      private: false,
      fork: false,
      html_url: `${html()}/${r.fullName}`,
      clone_url: `${html()}/${r.fullName}.git`,
      default_branch: "main",
    };
  };
  const hasWip = (title: string) => wip.some((p) => title.toUpperCase().startsWith(p));
  const pullJson = (p: PullState) => ({
    ...pullRequestBody(p),
    labels: p.labels.map((name, i) => ({
      id: i + 1,
      name,
      exclusive: false,
      color: "ededed",
      description: "",
      url: `${html()}/api/v1/repos/${p.repo}/labels/${i + 1}`,
    })),
  });
  const pullRequestBody = (p: PullState) => {
    const repo = repoOf(p.repo);
    const url = `${html()}/${p.repo}/pulls/${p.number}`;
    return pullRequestJson({
      id: p.id,
      url,
      number: p.number,
      user: userJson(p.author),
      title: p.title,
      body: p.body,
      state: p.state,
      draft: hasWip(p.title),
      comments: conversation.on(p.repo, p.number).length,
      merged: p.merged,
      mergedAt: p.merged ? iso() : null,
      mergeCommitSha: p.merged ? sha(`${p.repo}#${p.number} merge`) : null,
      mergedBy: p.merged ? userJson(p.author) : null,
      base: { ref: p.baseRef, sha: p.baseSha, repo: repoJson(repo) },
      head: { ref: p.headRef, sha: p.headSha, repo: repoJson(repo) },
      createdAt: p.createdAt,
      updatedAt: iso(),
      closedAt: p.state === "closed" ? iso() : null,
    });
  };
  const commentJson = (c: FakeIssueComment) => ({
    id: c.id,
    html_url: `${html()}/${c.repo}/pulls/${c.issue}#issuecomment-${c.id}`,
    pull_request_url: `${html()}/${c.repo}/pulls/${c.issue}`,
    issue_url: "",
    user: userJson(c.user),
    original_author: "",
    original_author_id: 0,
    body: c.body,
    assets: [],
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });
  const reviewJson = (r: FakeReview) => ({
    id: r.id,
    user: userJson(r.user),
    team: null,
    state: r.state,
    body: r.body,
    commit_id: r.commitId,
    stale: false,
    official: false,
    dismissed: false,
    comments_count: codeComments.filter((c) => c.reviewId === r.id).length,
    submitted_at: iso(),
    updated_at: iso(),
    html_url: `${html()}/${r.repo}/pulls/${r.pull}#issuecomment-${r.id}`,
    pull_request_url: `${html()}/${r.repo}/pulls/${r.pull}`,
  });
  const codeCommentJson = (c: FakeReviewComment) => ({
    id: c.id,
    body: c.body,
    user: userJson(c.user),
    resolver: null,
    pull_request_review_id: c.reviewId,
    created_at: iso(),
    updated_at: iso(),
    path: c.path,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    diff_hunk: "",
    position: c.newLine,
    original_position: c.oldLine,
    html_url: `${html()}/${c.repo}/pulls/${c.pull}/files#issuecomment-${c.id}`,
    pull_request_url: `${html()}/${c.repo}/pulls/${c.pull}`,
    ...(flavor === "forgejo" ? { extra_lines_count: c.extraLines } : {}),
  });
  const statusJson = (s: FakeStatus) => ({
    id: s.id,
    status: s.state,
    target_url: s.targetUrl,
    description: s.description,
    url: `${base}/api/v1/repos/${s.repo}/statuses/${s.sha}`,
    context: s.context,
    creator: userJson(bot),
    created_at: iso(),
    updated_at: iso(),
  });

  // --- Answers -------------------------------------------------------------------------------

  const swagger = () => `${html()}/api/swagger`;
  /** Gitea's 422 for a comment without a body (its binding's `Required`); null when it has one. */
  const bodyMissing = (req: kit.RecordedRequest) =>
    typeof req.body?.body !== "string" || req.body.body === ""
      ? json({ message: "[Body]: Required", url: swagger() }, 422)
      : null;
  const error = (status: number, message: string) => json({ message, url: swagger() }, status);
  const notFound = () => json({ errors: null, message: "not found", url: swagger() }, 404);

  /** modules/context/api.go SetLinkHeader + SetTotalCountHeader, over one list. */
  const paginate = (url: URL, items: unknown[]) => {
    const { page, last, items: slice } = pageOf(url, items, {
      param: "limit",
      byDefault: 30,
      max: maxItems,
    });
    // Built from ROOT_URL, not from the address the request came to.
    const root = html() + url.pathname.slice(prefix.length) + url.search;
    const links: string[] = [];
    if (page < last) links.push(pageLink(root, page + 1, "next"), pageLink(root, last, "last"));
    if (page > 1) links.push(pageLink(root, 1, "first"), pageLink(root, page - 1, "prev"));
    const headers: Record<string, string> = { "x-total-count": String(items.length) };
    if (links.length > 0) headers["link"] = links.join(",");
    return json(slice, 200, headers);
  };

  const pullOf = (params: string[]) =>
    repos.get(key(`${params[0]}/${params[1]}`))?.pulls.get(Number(params[2]));
  const onPull = (handle: Parameters<typeof kit.onFound<PullState>>[2]) =>
    kit.onFound(pullOf, notFound, handle);

  /** Where a review comment can go; null when CreateCodeComment would fail. */
  const placeable = (pull: PullState, c: Record<string, unknown>): boolean => {
    if (typeof c.path !== "string" || typeof c.body !== "string") return false;
    const oldLine = typeof c.old_position === "number" ? c.old_position : 0;
    const newLine = typeof c.new_position === "number" ? c.new_position : 0;
    // routers/api/v1/repo/pull_review.go: a positive old_position wins.
    const side = oldLine > 0 ? "old" : "new";
    const line = oldLine > 0 ? oldLine : newLine;
    if (line <= 0) return false;
    const file = fileOn(pull.diff, c.path, side);
    if (!file || !commentableLines(file, side).has(line)) return false;
    const extra = extraLines && typeof c.extra_lines_count === "number" ? c.extra_lines_count : 0;
    return extra === 0 || inOneHunk(file, side, line, line + extra);
  };

  /** A review by the bot, stored: where a submitted review or a first code comment goes. */
  const newReview = (
    pull: PullState,
    state: FakeReview["state"],
    body: string,
    commitId: string,
  ): FakeReview => {
    const review = {
      id: nextId++,
      repo: pull.repo,
      pull: pull.number,
      user: bot,
      state,
      body,
      commitId,
    };
    reviews.push(review);
    return review;
  };
  const pendingOf = (pull: PullState) =>
    reviews.find((r) =>
      r.repo === pull.repo && r.pull === pull.number && r.user === bot && r.state === "PENDING"
    );

  // --- Routes ------------------------------------------------------------------------------

  const R = "^/api/v1/repos/([^/]+)/([^/]+)";
  const rawFile: kit.RouteHandler = (_req, params, url) => {
    const repo = repos.get(key(`${params[0]}/${params[1]}`));
    if (!repo) return notFound();
    let ref = url.searchParams.get("ref");
    let path = params[2];
    if (!ref) {
      // The legacy form `/raw/{ref}/{path}`, else the default branch.
      const known = [...repo.refs].sort((a, b) => b.length - a.length)
        .find((r) => path.startsWith(`${r}/`));
      ref = known ?? "main";
      if (known) path = path.slice(known.length + 1);
    }
    const file = repo.files.get(fileKey(ref, path)) ?? commits.get(ref)?.files[path];
    return file === undefined ? notFound() : text(file);
  };
  const commitJson = (repo: string, c: FakeCommit, withFiles: boolean, base: string) => ({
    url: `${html()}/api/v1/repos/${repo}/git/commits/${c.sha}`,
    sha: c.sha,
    html_url: `${html()}/${repo}/commit/${c.sha}`,
    commit: { message: `Commit ${c.sha.slice(0, 8)}`, tree: { sha: c.sha } },
    parents: c.parents.map((p) => ({
      url: `${html()}/api/v1/repos/${repo}/git/commits/${p}`,
      sha: p,
    })),
    // What this commit changed against its first parent (or, for a root, `base`).
    ...(withFiles
      ? {
        files: commits.changes(c.parents[0] ?? base, c.sha).map((f) => ({
          filename: f.path,
          status: f.status === "deleted" ? "removed" : f.status,
        })),
      }
      : {}),
  });

  const routes: Route[] = [
    {
      // `base...head` and `base..head` list the same commits, those of head that base lacks.
      method: "GET",
      pattern: new RegExp(`${R}/compare/(.+)$`),
      handle(_req, params, url) {
        const repo = repos.get(key(`${params[0]}/${params[1]}`));
        if (!repo) return notFound();
        const parts = params[2].includes("...") ? params[2].split("...") : params[2].split("..");
        const [base, head] = parts;
        if (parts.length !== 2 || !commits.has(base) || !commits.has(head)) {
          return notFound();
        }
        const withFiles = url.searchParams.get("files") !== "false";
        const list = commits.between(base, head).toReversed()
          .map((c) => commitJson(repo.fullName, c, withFiles, base));
        return json({ total_commits: list.length, commits: list });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/collaborators/([^/]+)/permission$`),
      handle(_req, params) {
        const repo = repos.get(key(`${params[0]}/${params[1]}`));
        if (!repo) return notFound();
        const login = decodeURIComponent(params[2]);
        const granted = repo.permissions.get(login);
        const owner = key(params[0]) === key(login);
        const permission = granted ?? (owner ? "owner" : "read");
        return json({ permission, role_name: permission, user: { login } });
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/version$/,
      open: true,
      handle: () => json({ version }),
    },
    {
      method: "GET",
      pattern: /^\/api\/forgejo\/v1\/version$/,
      open: true,
      handle: () => flavor === "forgejo" ? json({ version }) : notFound(),
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/user$/,
      handle: () =>
        options.readUser === false
          ? error(403, "token does not have at least one of required scope(s): [read:user]")
          : json(userJson(bot)),
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/pulls/(\\d+)\\.diff$`),
      handle(_req, params) {
        const pull = pullOf(params);
        return pull ? text(pull.diff) : notFound();
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/pulls/(\\d+)$`),
      handle(_req, params) {
        const pull = pullOf(params);
        return pull ? json(pullJson(pull)) : notFound();
      },
    },
    { method: "GET", pattern: new RegExp(`${R}/raw/(.+)$`), handle: rawFile },
    { method: "GET", pattern: new RegExp(`${R}/media/(.+)$`), handle: rawFile },
    {
      method: "GET",
      pattern: new RegExp(`${R}/issues/(\\d+)/comments$`),
      handle: onPull((_req, pull, _params, url) => {
        const list = conversation.on(pull.repo, pull.number);
        return paginate(url, list.map(commentJson));
      }),
    },
    {
      method: "POST",
      pattern: new RegExp(`${R}/issues/(\\d+)/comments$`),
      handle: onPull((req, pull) => {
        const missing = bodyMissing(req);
        if (missing) return missing;
        const comment = conversation.add(pull.repo, pull.number, req.body.body, bot);
        return json(commentJson(comment), 201);
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/issues/comments/(\\d+)$`),
      handle(_req, params) {
        const comment = conversation.find(`${params[0]}/${params[1]}`, Number(params[2]));
        return comment ? json(commentJson(comment)) : notFound();
      },
    },
    {
      method: "PATCH",
      pattern: new RegExp(`${R}/issues/comments/(\\d+)$`),
      handle(req, params) {
        const comment = conversation.find(`${params[0]}/${params[1]}`, Number(params[2]));
        if (!comment) return notFound();
        if (comment.user !== bot) return new Response(null, { status: 403 });
        const missing = bodyMissing(req);
        if (missing) return missing;
        conversation.edit(comment, req.body.body);
        return json(commentJson(comment));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/pulls/(\\d+)/reviews$`),
      handle: onPull((_req, pull, _params, url) => {
        // services/convert ToPullReviewList: a pending review is shown to its author alone.
        const list = reviews.filter((r) =>
          r.repo === pull.repo && r.pull === pull.number &&
          (r.state !== "PENDING" || r.user === bot)
        );
        return paginate(url, list.map(reviewJson));
      }),
    },
    {
      method: "POST",
      pattern: new RegExp(`${R}/pulls/(\\d+)/reviews$`),
      handle: onPull((req, pull) => {
        const body = req.body ?? {};
        const comments: Record<string, unknown>[] = Array.isArray(body.comments)
          ? body.comments
          : [];
        const text = typeof body.body === "string" ? body.body : "";
        const hasBody = text.trim() !== "";
        // preparePullReviewType
        let state: FakeReview["state"];
        let needsBody = true;
        switch (body.event) {
          case "APPROVED":
            if (pull.author === bot) return error(422, "approve your own pull is not allowed");
            state = "APPROVED";
            needsBody = false;
            break;
          case "REQUEST_CHANGES":
            if (pull.author === bot) return error(422, "reject your own pull is not allowed");
            state = "REQUEST_CHANGES";
            break;
          case "COMMENT":
            state = "COMMENT";
            needsBody = false;
            if (!hasBody && comments.length === 0) {
              return error(422, "review event COMMENT requires a body or a comment");
            }
            break;
          default:
            state = "PENDING";
        }
        if (needsBody && !hasBody) {
          return error(422, `review event ${body.event ?? ""} requires a body`);
        }
        const commitId = typeof body.commit_id === "string" && body.commit_id
          ? body.commit_id
          : pull.headSha;
        // CreateCodeComment, one by one, into the author's pending review: the first it cannot
        // place is a 500, and those before it stay behind in that pending review.
        for (const c of comments) {
          if (!pull.shas.has(commitId) || !placeable(pull, c)) {
            return error(500, "CreateCodeComment");
          }
          const pending = pendingOf(pull) ?? newReview(pull, "PENDING", "", commitId);
          const oldLine = typeof c.old_position === "number" && c.old_position > 0
            ? c.old_position
            : 0;
          codeComments.push({
            id: nextId++,
            repo: pull.repo,
            pull: pull.number,
            reviewId: pending.id,
            path: c.path as string,
            newLine: oldLine > 0 ? 0 : c.new_position as number,
            oldLine,
            extraLines: extraLines && typeof c.extra_lines_count === "number"
              ? c.extra_lines_count
              : 0,
            body: c.body as string,
            commitId,
            user: bot,
          });
        }
        // SubmitReview
        if (state !== "PENDING" && pull.state !== "open") {
          return error(422, "can't submit review for a closed or merged PR");
        }
        const review = pendingOf(pull) ?? newReview(pull, state, text, commitId);
        review.state = state;
        review.body = text;
        review.commitId = commitId;
        return json(reviewJson(review));
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/pulls/(\\d+)/reviews/(\\d+)/comments$`),
      handle(_req, params) {
        const pull = pullOf(params);
        const review = reviews.find((r) => r.id === Number(params[3]));
        if (!pull || !review || review.pull !== pull.number || review.repo !== pull.repo) {
          return notFound();
        }
        if (review.state === "PENDING" && review.user !== bot) return notFound();
        // Gitea walks a map of path → line → comments: the order is not the posting order.
        const list = codeComments.filter((c) => c.reviewId === review.id)
          .sort((a, b) => a.path.localeCompare(b.path) || b.newLine - a.newLine);
        return json(list.map(codeCommentJson));
      },
    },
    {
      method: "DELETE",
      pattern: new RegExp(`${R}/pulls/(\\d+)/reviews/(\\d+)$`),
      handle(_req, params) {
        const pull = pullOf(params);
        const i = reviews.findIndex((r) => r.id === Number(params[3]));
        if (!pull || i < 0 || reviews[i].pull !== pull.number) return notFound();
        if (reviews[i].user !== bot) return new Response(null, { status: 403 });
        const [gone] = reviews.splice(i, 1);
        for (let j = codeComments.length - 1; j >= 0; j--) {
          if (codeComments[j].reviewId === gone.id) codeComments.splice(j, 1);
        }
        return noContent();
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`${R}/statuses/([^/]+)$`),
      handle(req, params) {
        const repo = repos.get(key(`${params[0]}/${params[1]}`));
        if (!repo) return notFound();
        const target = params[2];
        const known = [...repo.pulls.values()].some((p) =>
          p.shas.has(target) || p.baseSha === target
        );
        if (!known) return error(500, `GetCommit[${target}]: object does not exist`);
        const body = req.body ?? {};
        if (!["pending", "success", "error", "failure", "warning"].includes(body.state)) {
          return error(422, `invalid commit status state: ${body.state}`);
        }
        const status: FakeStatus = {
          id: nextId++,
          repo: repo.fullName,
          sha: target,
          state: body.state,
          context: body.context ?? "default",
          description: body.description ?? "",
          targetUrl: body.target_url ?? "",
        };
        statuses.push(status);
        return json(statusJson(status), 201);
      },
    },
  ];

  // --- Server --------------------------------------------------------------------------------

  const credentialOf = (req: kit.RecordedRequest, url: URL) =>
    /^(?:bearer|token)\s+(.+)$/i.exec(req.headers["authorization"] ?? "")?.[1] ??
      url.searchParams.get("token") ?? url.searchParams.get("access_token");

  const api = kit.serveRoutes({
    prefix,
    routes,
    notFound: () => notFound(),
    outside: () => notFound(),
    failureContentType: "application/json;charset=utf-8",
    check: (req, route, _params, url) =>
      !route.open && options.token !== undefined && credentialOf(req, url) !== options.token
        ? error(401, "invalid username, password or token")
        : null,
  });
  const base: string = api.url;

  const fakePull = (p: PullState): FakePullRequest => {
    const { shas: _shas, id: _id, createdAt: _createdAt, ...rest } = p;
    return { ...rest, labels: [...rest.labels] };
  };

  return Promise.resolve({
    ...api,
    commits,
    addPullRequest(input) {
      const repo = repoOf(input.repo);
      const number = input.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
      const seeded = seed.seededPullRequest(input, number, "alice");
      const pull: PullState = {
        ...seeded,
        id: nextId++,
        repo: repo.fullName,
        shas: new Set([seeded.headSha]),
        createdAt: iso(),
      };
      seed.trackCommits(commits, pull);
      repo.pulls.set(number, pull);
      return fakePull(pull);
    },
    updatePullRequest(repo, number, changes) {
      const held = repos.get(key(repo))?.pulls.get(number);
      const before = held?.headSha;
      const pull = seed.movePullRequest(held, repo, number, changes);
      seed.trackCommits(commits, pull, before);
      return fakePull(pull);
    },
    grant(repo, user, permission) {
      repoOf(repo).permissions.set(user, permission);
    },
    setFile(repo, ref, path, text) {
      const state = repoOf(repo);
      state.refs.add(ref);
      state.files.set(fileKey(ref, path), text);
    },
    addIssueComment: (repo, pr, body, user = "alice") => ({
      ...conversation.add(repoOf(repo).fullName, pr, body, user),
    }),
    deleteIssueComment(repo, id) {
      conversation.remove(repo, id);
    },
    comments: (repo, pr) => conversation.on(repo, pr).map((c) => ({ ...c })),
    reviews: (repo, pr) =>
      reviews.filter((r) => key(r.repo) === key(repo) && r.pull === pr).map((r) => ({ ...r })),
    reviewComments: (repo, pr) =>
      codeComments.filter((c) => key(c.repo) === key(repo) && c.pull === pr).map((c) => ({
        ...c,
      })),
    addReview(repo, pr, comment, user = "alice") {
      const pull = repos.get(key(repo))?.pulls.get(pr);
      if (!pull) throw new Error(`no pull request ${repo}#${pr} on the fake`);
      const review = { ...newReview(pull, "COMMENT", "", pull.headSha), user };
      reviews[reviews.length - 1] = review;
      codeComments.push({
        id: nextId++,
        repo: pull.repo,
        pull: pull.number,
        reviewId: review.id,
        path: comment.path,
        newLine: comment.line,
        oldLine: 0,
        extraLines: 0,
        body: comment.body,
        commitId: pull.headSha,
        user,
      });
      return { ...review };
    },
    statuses: (repo, target) =>
      statuses.filter((s) => key(s.repo) === key(repo) && s.sha === target).map((s) => ({ ...s })),
  });
}

function fileKey(ref: string, path: string): string {
  return `${ref}\u0000${path}`;
}
