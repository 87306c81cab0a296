/**
 * A stateful fake Bitbucket Cloud REST 2.0 API on a real 127.0.0.1 port, served below `/2.0`
 * as api.bitbucket.org serves it.
 *
 * It answers the calls Loom makes the way Bitbucket does: a pull request with 12-character
 * commit hashes; its `/diff` as a 302 to `/repositories/{ws}/{repo}/diff/{spec}`, which itself
 * wants the credentials; files at a commit under `src/{commit}/{path}` (a branch name with a
 * slash cannot be read there, as on Bitbucket); branches; commits looked up by abbreviation;
 * comments paged with `pagelen`, `page`, `size`, `next` and `values`, inline ones anchored with
 * `inline.to` and `start_to`; build statuses overwritten by `key`. It checks credentials (an
 * access token as `Bearer`, a user API token as `Basic email:token`), answers Bitbucket's
 * errors in its `{"type": "error", "error": {…}}` envelope, can be told to fail the next calls
 * (429 with or without `Retry-After`, 5xx, anything), and records every request.
 *
 * What Bitbucket is reported to refuse, it refuses (400): a `type` field or a null `from`/`to`
 * in a comment body, `start_to` above `to` [r], a build status without `url` [r]. What it is not
 * documented to check, an inline comment on a line outside the diff or a build status on an
 * abbreviated hash, the fake refuses too and records in {@link FakeBitbucket.violations}, so
 * tests prove Loom never sends one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeBitbucket } from "./server.ts";
 *
 * await using bitbucket = await startFakeBitbucket({ token: "t0ken" });
 * bitbucket.addPullRequest({
 *   repo: "ws/app",
 *   number: 7,
 *   diff: "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
 * });
 * // Loom would be pointed at bitbucket.url; here two inline comments by hand.
 * const comment = (to: number) =>
 *   fetch(`${bitbucket.url}/repositories/ws/app/pullrequests/7/comments`, {
 *     method: "POST",
 *     headers: { authorization: "Bearer t0ken", "content-type": "application/json" },
 *     body: JSON.stringify({ content: { raw: "Nit" }, inline: { path: "a.ts", to } }),
 *   });
 * const onTheDiff = await comment(1);
 * await onTheDiff.body?.cancel();
 * assert.equal(onTheDiff.status, 201);
 * const outside = await comment(9); // Bitbucket is not documented to refuse it; the fake does
 * await outside.body?.cancel();
 * assert.equal(outside.status, 400);
 * assert.equal(bitbucket.comments("ws/app", 7).length, 1);
 * assert.equal(bitbucket.violations.length, 1); // and records it, for tests to assert on
 * ```
 * @module
 */

import type { PullRequest } from "../../../src/platform/mod.ts";
import { commentableLinesOf } from "../diff_lines.ts";
import { type CommitGraph, createCommitGraph } from "../commit_graph.ts";
import { trackCommits } from "../pull_request_seed.ts";
import { fakeSha as sha } from "../fake_sha.ts";
import { json, text } from "../answers.ts";
import * as kit from "../fake_server.ts";
import { hmacHex } from "../hmac.ts";
import { pageOf, pageUrl } from "../pagination.ts";
import type { SeedsPullRequests } from "../pull_request_seed.ts";
import {
  accountEntity,
  commentPayload,
  escapeHtml,
  type Payload,
  type PayloadAccount,
  pullRequestPayload,
  repositoryEntity,
} from "./payloads.ts";

/**
 * A pull request as the fake holds it: the port's facts in Bitbucket's terms (its states, its
 * account). `headSha` and `baseSha` are full 40-character hashes; Bitbucket shows them
 * abbreviated to 12.
 */
export interface FakePullRequest extends Omit<PullRequest, "state" | "author"> {
  /** `workspace/repo_slug`. */
  repo: string;
  state: "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";
  author: PayloadAccount;
  /** The unified diff `/diff` serves; inline comments must sit on its lines. */
  diff: string;
}

/** How a pull request is seeded; everything but `repo` (created when new) has a default. */
export interface FakePullRequestInput extends Partial<Omit<FakePullRequest, "repo">> {
  repo: string;
}

/** A pull request comment. */
export interface FakeComment {
  id: number;
  repo: string;
  pr: number;
  raw: string;
  inline: { path: string; to: number | null; from: number | null; start_to: number | null } | null;
  parentId: number | null;
  user: PayloadAccount;
  deleted: boolean;
  createdOn: string;
  updatedOn: string;
  /** Who resolved the thread this comment opens; null while open (and for a reply). */
  resolvedBy?: PayloadAccount | null;
}

/** A build status on a commit. */
export interface FakeStatus {
  repo: string;
  /** The full hash it was posted on. */
  hash: string;
  key: string;
  state: string;
  name: string | null;
  description: string | null;
  url: string;
}

/** Options for {@link startFakeBitbucket}. */
export interface FakeBitbucketOptions {
  /** An access token calls may carry as `Authorization: Bearer TOKEN`. */
  token?: string;
  /** A user API token calls may carry as `Authorization: Basic base64(email:apiToken)`. */
  user?: { email: string; apiToken: string };
  /** The author of everything Loom posts. */
  botUser?: PayloadAccount;
  /**
   * False: the credentials lack the `account` scope (as an access token does), and `GET /user`
   * answers 403.
   */
  readUser?: boolean;
  /** Where the pull request's `/diff` redirects; the fake's own diff path by default. */
  diffRedirectBase?: string;
}

/** A running fake; see {@link startFakeBitbucket}. `await using` closes it. */
export interface FakeBitbucket
  extends kit.FakeApi<kit.FakeFailure>, SeedsPullRequests<FakePullRequestInput, FakePullRequest> {
  /**
   * The API URL to give Loom (`LOOM_BITBUCKET_API_URL`): `http://127.0.0.1:PORT/2.0`. Requests
   * are recorded with their path below it: `/repositories/ws/app/…`.
   */
  url: string;
  /** Requests Bitbucket is not documented to refuse but Loom must never send. */
  violations: string[];
  /**
   * The commits of every repository, which `/diff/{a}..{b}` and `/merge-base/{a}..{b}` answer
   * from: a pull request's base and head are in it once seeded (the head a child of the base),
   * and a new head given to `updatePullRequest` joins it as a push unless a test added it.
   */
  commits: CommitGraph;
  pullRequest(repo: string, number: number): FakePullRequest | undefined;
  /** Points branch `name` at the full hash `hash`. */
  setBranch(repo: string, name: string, hash: string): void;
  /**
   * A file's text at `ref`: a branch name (its current tip; a new branch is made when unknown)
   * or a full hash.
   */
  setFile(repo: string, ref: string, path: string, text: string): void;
  /**
   * Gives `user` `permission` (admin, write, read) on `repo`, as the effective permissions of
   * `GET /workspaces/{ws}/permissions/repositories/{slug}?q=user.account_id="…"` list them.
   */
  grant(repo: string, user: PayloadAccount, permission: "admin" | "write" | "read"): void;
  /** The account everything Loom posts is by, as `GET /user` answers it. */
  bot: PayloadAccount;
  /** Seeds a comment by someone else (Emma, by default). */
  addComment(
    repo: string,
    pr: number,
    raw: string,
    options?: { user?: PayloadAccount; inline?: { path: string; to: number } },
  ): FakeComment;
  /** Deletes a comment as Bitbucket does: it stays in the list, flagged `deleted`. */
  deleteComment(repo: string, id: number): void;
  /** The comments on a pull request, oldest first, deleted ones included. */
  comments(repo: string, pr: number): FakeComment[];
  /** Resolves the thread comment `id` opens as `user` (Emma, by default). */
  resolveAs(repo: string, id: number, user?: PayloadAccount): void;
  /** A reply to comment `id` (`parent`) by `user` (Emma, by default). */
  replyTo(repo: string, id: number, raw: string, user?: PayloadAccount): FakeComment;
  /** The build statuses on a commit by full hash, one per key, as Bitbucket keeps them. */
  statuses(repo: string, hash: string): FakeStatus[];
  /** Every build status write on a commit, oldest first. */
  statusHistory(repo: string, hash: string): FakeStatus[];
  /** The body of a `pullrequest:*` delivery for the pull request as it is now. */
  pullRequestPayload(repo: string, number: number, actor?: PayloadAccount): Payload;
  /** The body of a `pullrequest:comment_created` delivery for a comment by `user`. */
  commentPayload(
    repo: string,
    number: number,
    raw: string,
    options?: { user?: PayloadAccount; inline?: { path: string; to: number } },
  ): Payload;
}

/**
 * Failures Bitbucket really sends, for {@link FakeBitbucket.failNext}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bitbucketFailure, startFakeBitbucket } from "./server.ts";
 *
 * await using bitbucket = await startFakeBitbucket();
 * bitbucket.addPullRequest({ repo: "ws/app", number: 7 });
 * bitbucket.failNext(bitbucketFailure.rateLimited(3), { method: "POST", path: /\/comments$/ });
 *
 * const res = await fetch(`${bitbucket.url}/repositories/ws/app/pullrequests/7/comments`, {
 *   method: "POST",
 *   body: JSON.stringify({ content: { raw: "Hi" } }),
 * });
 * assert.equal(res.status, 429);
 * assert.equal(res.headers.get("retry-after"), "3");
 * assert.equal(await res.text(), "Rate limit for this resource has been exceeded");
 * ```
 */
export const bitbucketFailure = {
  /** 429 from the rolling hourly limit, with `Retry-After` in seconds when given. */
  rateLimited(retryAfterSeconds?: number): kit.FakeFailure {
    return {
      status: 429,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "x-ratelimit-limit": "1000",
        "x-ratelimit-resource": "api-repository",
        ...(retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) }),
      },
      body: "Rate limit for this resource has been exceeded",
    };
  },
  /** A 5xx (503 by default). */
  serverError(status = 503): kit.FakeFailure {
    return { status, body: { type: "error", error: { message: "Service Unavailable" } } };
  },
  /** Any answer. */
  http: kit.httpFailure,
};

/**
 * A webhook delivery as Bitbucket Cloud sends it, to POST to Loom: `X-Event-Key`,
 * `X-Request-UUID`, `X-Hook-UUID`, `X-Attempt-Number`, and with a `secret`
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` (absent without one, as on Bitbucket).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hmacHex } from "../hmac.ts";
 * import { bitbucketWebhook } from "./server.ts";
 *
 * const payload = { pullrequest: { id: 7 } };
 * const d = await bitbucketWebhook({ secret: "s3cret", event: "pullrequest:created", payload });
 * assert.equal(d.headers["x-event-key"], "pullrequest:created");
 * assert.equal(d.headers["x-hub-signature"], `sha256=${await hmacHex("s3cret", d.body)}`);
 * const unsigned = await bitbucketWebhook({ event: "pullrequest:created", payload });
 * assert.equal(unsigned.headers["x-hub-signature"], undefined); // no secret, no signature
 * // To deliver it: POST d.body with d.headers to Loom's /webhooks/bitbucket.
 * ```
 */
export async function bitbucketWebhook(input: {
  secret?: string;
  event: string;
  payload: unknown;
  deliveryId?: string;
  attempt?: number;
}): Promise<{ headers: Record<string, string>; body: string }> {
  const body = typeof input.payload === "string" ? input.payload : JSON.stringify(input.payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Bitbucket-Webhooks/2.0",
    "x-event-key": input.event,
    "x-request-uuid": input.deliveryId ?? crypto.randomUUID(),
    "x-hook-uuid": "0a9f1f4e-0b6c-4e3c-9b1e-5d8a1c2b3d4e",
    "x-attempt-number": String(input.attempt ?? 1),
  };
  if (input.secret !== undefined) {
    headers["x-hub-signature"] = `sha256=${await hmacHex(input.secret, body)}`;
  }
  return { headers, body };
}

interface RepoState {
  fullName: string;
  pulls: Map<number, FakePullRequest>;
  branches: Map<string, string>;
  commits: Set<string>;
  /** By `hash\0path`. */
  files: Map<string, string>;
  grants: { user: PayloadAccount; permission: string }[];
}

type Route = kit.HandledRoute;

const PREFIX = "/2.0";
const DEFAULT_BOT: PayloadAccount = {
  display_name: "Loom",
  nickname: "loom-bot",
  account_id: "712020:loom-bot",
  uuid: "{1c0de000-0000-4000-8000-000000000001}",
};
const EMMA: PayloadAccount = {
  display_name: "Emma",
  nickname: "emmap1",
  account_id: "557058:emma",
};
const STATES = ["INPROGRESS", "SUCCESSFUL", "FAILED", "STOPPED"];
const PAGE_SIZE = { param: "pagelen", byDefault: 10, max: 100 };

/**
 * Starts the fake on a free port of 127.0.0.1. Always `close()` it (or `await using`): an open
 * server fails Deno's resource sanitizer.
 */
export function startFakeBitbucket(options: FakeBitbucketOptions = {}): Promise<FakeBitbucket> {
  const bot = options.botUser ?? DEFAULT_BOT;
  const violations: string[] = [];
  const commits = createCommitGraph();
  const repos = new Map<string, RepoState>();
  const comments: FakeComment[] = [];
  const statusHistory: FakeStatus[] = [];
  const diffSpecs = new Map<string, string>();
  let nextId = 500;
  let commitCounter = 0;

  const iso = () => new Date().toISOString().replace("Z", "000+00:00");
  const repoOf = (fullName: string): RepoState => {
    let repo = repos.get(fullName);
    if (!repo) {
      repo = {
        fullName,
        pulls: new Map(),
        branches: new Map(),
        commits: new Set(),
        files: new Map(),
        grants: [],
      };
      repos.set(fullName, repo);
    }
    return repo;
  };
  const newCommit = (repo: RepoState, label: string) => {
    const hash = sha(`${repo.fullName} ${label} ${commitCounter++}`);
    repo.commits.add(hash);
    return hash;
  };
  /** A branch name, a full hash or an unambiguous abbreviation, as Bitbucket resolves them. */
  const resolve = (repo: RepoState, rev: string): string | null => {
    const branch = repo.branches.get(rev);
    if (branch) return branch;
    if (!/^[0-9a-f]{4,40}$/i.test(rev)) return null;
    const matches = [...repo.commits].filter((c) => c.startsWith(rev.toLowerCase()));
    return matches.length === 1 ? matches[0] : null;
  };

  // --- JSON as Bitbucket shapes it -------------------------------------------------------------

  const link = (path: string) => ({ href: `${base}${path}` });
  const commitJson = (repo: RepoState, hash: string, short = true) => ({
    type: "commit",
    hash: short ? hash.slice(0, 12) : hash,
    links: { self: link(`/repositories/${repo.fullName}/commit/${hash}`) },
  });
  const pullJson = (repo: RepoState, p: FakePullRequest) => ({
    type: "pullrequest",
    id: p.number,
    title: p.title,
    description: p.description,
    summary: {
      type: "rendered",
      raw: p.description,
      markup: "markdown",
      html: `<p>${escapeHtml(p.description)}</p>`,
    },
    rendered: {},
    state: p.state,
    draft: p.draft,
    author: accountEntity(p.author),
    source: {
      branch: { name: p.headRef },
      commit: commitJson(repo, p.headSha),
      repository: repositoryEntity(repo.fullName),
    },
    destination: {
      branch: { name: p.baseRef },
      commit: commitJson(repo, p.baseSha),
      repository: repositoryEntity(repo.fullName),
    },
    merge_commit: null,
    comment_count: comments.filter((c) => c.repo === p.repo && c.pr === p.number).length,
    task_count: 0,
    close_source_branch: false,
    closed_by: null,
    reason: "",
    created_on: "2026-01-01T12:00:00.000000+00:00",
    updated_on: iso(),
    reviewers: [],
    participants: [],
    links: {
      self: link(`/repositories/${repo.fullName}/pullrequests/${p.number}`),
      html: { href: `https://bitbucket.org/${repo.fullName}/pull-requests/${p.number}` },
      diff: link(`/repositories/${repo.fullName}/pullrequests/${p.number}/diff`),
      comments: link(`/repositories/${repo.fullName}/pullrequests/${p.number}/comments`),
    },
  });
  const commentJson = (c: FakeComment) => ({
    type: "pullrequest_comment",
    id: c.id,
    created_on: c.createdOn,
    updated_on: c.updatedOn,
    content: {
      type: "rendered",
      raw: c.raw,
      markup: "markdown",
      html: `<p>${escapeHtml(c.raw)}</p>`,
    },
    user: accountEntity(c.user),
    deleted: c.deleted,
    pending: false,
    ...(c.inline
      ? {
        inline: {
          from: c.inline.from,
          to: c.inline.to,
          path: c.inline.path,
          ...(c.inline.start_to !== null ? { start_to: c.inline.start_to } : {}),
        },
      }
      : {}),
    ...(c.parentId !== null ? { parent: { id: c.parentId } } : {}),
    ...(c.resolvedBy ? { resolution: resolutionJson(c) } : {}),
    links: {
      self: link(`/repositories/${c.repo}/pullrequests/${c.pr}/comments/${c.id}`),
      html: { href: `https://bitbucket.org/${c.repo}/pull-requests/${c.pr}#comment-${c.id}` },
    },
    pullrequest: { type: "pullrequest", id: c.pr },
  });
  const resolutionJson = (c: FakeComment) => ({
    type: "comment_resolution",
    user: accountEntity(c.resolvedBy!),
    created_on: iso(),
  });
  const statusJson = (s: FakeStatus) => ({
    type: "commitstatus",
    key: s.key,
    state: s.state,
    name: s.name,
    description: s.description,
    url: s.url,
    created_on: iso(),
    updated_on: iso(),
    links: { commit: link(`/repositories/${s.repo}/commit/${s.hash}`) },
  });

  // --- Answers -------------------------------------------------------------------------------

  const error = (status: number, message: string, fields?: Record<string, string[]>) =>
    json({ type: "error", error: { message, ...(fields ? { fields } : {}) } }, status);
  const notFound = (message = "Resource not found") => error(404, message);
  const badRequest = (message: string, fields?: Record<string, string[]>) =>
    error(400, message, fields);

  const paginate = (url: URL, items: unknown[]) => {
    const { page, size, items: values } = pageOf(url, items, PAGE_SIZE);
    const body: Record<string, unknown> = { pagelen: size, size: items.length, page, values };
    if (page * size < items.length) body.next = pageUrl(url, page + 1);
    if (page > 1) body.previous = pageUrl(url, page - 1);
    return json(body);
  };

  // --- Comment checks, as Bitbucket makes them -------------------------------------------------

  const contentProblem = (body: Payload | undefined): Response | null => {
    if (typeof body !== "object" || body === null) return badRequest("Bad request");
    if ("type" in body) {
      // Reported refused (0pilatos0/bitbucket-cli PR 105) [r].
      return badRequest("Bad request", { type: ["This field is read only."] });
    }
    if (typeof body.content?.raw !== "string" || body.content.raw.trim() === "") {
      return badRequest("Bad request", { content: ["This field is required."] });
    }
    return null;
  };

  const inlineProblem = (pull: FakePullRequest, inline: Payload): Response | null => {
    if (typeof inline !== "object" || inline === null || typeof inline.path !== "string") {
      return badRequest("Bad request", { "inline.path": ["This field is required."] });
    }
    for (const key of ["from", "to", "start_to", "start_from"]) {
      // Reported refused (0pilatos0/bitbucket-cli PR 105) [r].
      if (key in inline && (inline[key] === null || !Number.isInteger(inline[key]))) {
        return badRequest("Bad request", { [`inline.${key}`]: ["A valid integer is required."] });
      }
    }
    if (inline.to === undefined && inline.from === undefined) {
      return badRequest("Bad request", { inline: ["Either from or to is required."] });
    }
    if (inline.start_to !== undefined && inline.to !== undefined && inline.start_to > inline.to) {
      // pr-agent#3285 [r].
      return badRequest("Bad request", {
        "inline.start_to": ['"start_to" must be less than or equal to "to"'],
      });
    }
    // Not documented [?]: refused here, and recorded, because Loom must check anchors itself.
    const lines = commentableLinesOf(pull.diff, inline.path);
    const offDiff = [inline.to, inline.start_to].filter((l) => l !== undefined && !lines.has(l));
    if (inline.to !== undefined && offDiff.length > 0) {
      violations.push(
        `inline comment on ${inline.path}:${offDiff.join(",")}, outside the diff of ` +
          `${pull.repo}#${pull.number}`,
      );
      return badRequest("Bad request", {
        inline: [`Line ${offDiff[0]} of ${inline.path} is not part of the diff.`],
      });
    }
    return null;
  };

  // --- Routes --------------------------------------------------------------------------------

  const R = "/repositories/([^/]+/[^/]+)";
  /**
   * The two commits of `a..b` (full hashes, abbreviations as the deliveries carry them, or
   * branches), or Bitbucket's 404 for one it lacks.
   */
  const rangeOf = (repoName: string, spec: string): [string, string] | Response | null => {
    const repo = repos.get(repoName);
    const parts = spec.split("..");
    if (!repo || parts.length !== 2) return null;
    const revs = parts.map((rev) => commits.has(rev) ? rev : resolve(repo, rev));
    const missing = parts.find((_, i) => revs[i] === null || !commits.has(revs[i]!));
    if (missing !== undefined) return notFound(`Commit not found: ${missing}`);
    return [revs[0]!, revs[1]!];
  };
  const pullOf = (params: string[]) => repos.get(params[0])?.pulls.get(Number(params[1]));
  const missingPull = () => notFound("No PullRequest matches the given query.");

  const routes: Route[] = [
    {
      // The account the credentials act as: the author of everything Loom posts.
      method: "GET",
      pattern: /^\/user$/,
      handle: () =>
        options.readUser === false
          ? error(403, "Your credentials lack one or more required privilege scopes.")
          : json({ ...accountEntity(bot), created_on: "2024-01-01T00:00:00.000000+00:00" }),
    },
    {
      method: "GET",
      pattern: /^\/workspaces\/([^/]+)\/permissions\/repositories\/([^/]+)$/,
      handle(_req, params, url) {
        const repo = repos.get(`${params[0]}/${params[1]}`);
        if (!repo) return notFound();
        // The BBQL Loom sends: one `user.<field>="value"` comparison.
        const q = /^user\.(account_id|uuid|nickname)="((?:[^"\\]|\\.)*)"$/.exec(
          url.searchParams.get("q") ?? "",
        );
        const field = q?.[1] as "account_id" | "uuid" | "nickname" | undefined;
        const value = q?.[2].replace(/\\(.)/g, "$1");
        const grants = repo.grants.filter((g) => field === undefined || g.user[field] === value);
        return paginate(
          url,
          grants.map((g) => ({
            type: "repository_permission",
            permission: g.permission,
            user: accountEntity(g.user),
            repository: { type: "repository", full_name: repo.fullName },
          })),
        );
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)$`),
      handle(_req, params) {
        const pull = pullOf(params);
        return pull ? json(pullJson(repos.get(params[0])!, pull)) : missingPull();
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/diff$`),
      handle(_req, params) {
        const pull = pullOf(params);
        if (!pull) return missingPull();
        // Bitbucket answers with the diff between the head and the merge base (`topic=true`).
        const spec = `${pull.repo}:${pull.headSha.slice(0, 12)}%0D${pull.baseSha.slice(0, 12)}`;
        diffSpecs.set(`${pull.repo}/${spec}`, pull.diff);
        const target = options.diffRedirectBase ?? base;
        return new Response(null, {
          status: 302,
          headers: {
            location:
              `${target}/repositories/${pull.repo}/diff/${spec}?from_pullrequest_id=${pull.number}&topic=true`,
          },
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/diff/(.+)$`),
      handle(req, params, url) {
        const m = /^\/repositories\/([^/]+\/[^/]+)\/diff\/(.+)$/.exec(req.path)!;
        const diff = diffSpecs.get(`${m[1]}/${m[2]}`);
        if (diff !== undefined) return text(diff, "text/plain");
        // `source..destination`: what the source changes against the destination (git's
        // `diff destination source`), from their merge base unless `topic=false`.
        const range = rangeOf(params[0], params[1]);
        if (!range) return notFound();
        if (range instanceof Response) return range;
        const [source, destination] = range;
        const from = url.searchParams.get("topic") === "false"
          ? destination
          : commits.mergeBase(source, destination);
        return from === null ? notFound() : text(commits.diff(from, source), "text/plain");
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/merge-base/(.+)$`),
      handle(_req, params) {
        const range = rangeOf(params[0], params[1]);
        if (!range) return notFound();
        if (range instanceof Response) return range;
        const found = commits.mergeBase(range[0], range[1]);
        if (found === null) return notFound("No merge base found");
        return json(commitJson(repos.get(params[0])!, found, false));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/refs/branches/(.+)$`),
      handle(_req, params) {
        const repo = repos.get(params[0]);
        const hash = repo?.branches.get(params[1]);
        if (!repo || !hash) return notFound(`Branch "${params[1]}" does not exist.`);
        return json({ type: "branch", name: params[1], target: commitJson(repo, hash, false) });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/src/([^/]+)/(.+)$`),
      handle(_req, params) {
        const repo = repos.get(params[0]);
        const hash = repo && resolve(repo, params[1]);
        if (!repo || !hash) return notFound(`Commit not found`);
        const file = repo.files.get(`${hash}\u0000${params[2]}`);
        if (file === undefined) return notFound(`No such file or directory: ${params[2]}`);
        return text(file, "text/plain");
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/commit/([^/]+)$`),
      handle(_req, params) {
        const repo = repos.get(params[0]);
        const hash = repo && resolve(repo, params[1]);
        if (!repo || !hash) return notFound(`Commit not found`);
        return json({
          ...commitJson(repo, hash, false),
          repository: repositoryEntity(repo.fullName),
        });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/commit/([^/]+)/statuses/build/?$`),
      handle(req, params) {
        const repo = repos.get(params[0]);
        if (!repo) return notFound("Repository not found");
        const hash = params[1];
        if (!repo.commits.has(hash)) {
          const known = resolve(repo, hash);
          if (known) violations.push(`build status on the abbreviated hash ${hash} of ${known}`);
          return notFound("Commit not found");
        }
        const body = req.body;
        const fields: Record<string, string[]> = {};
        if (typeof body?.key !== "string" || body.key === "") {
          fields.key = ["This field is required."];
        }
        if (!STATES.includes(body?.state)) {
          fields.state = [`"${body?.state}" is not a valid choice.`];
        }
        // Reported required (Renovate's Bitbucket platform) [r].
        if (typeof body?.url !== "string" || body.url === "") {
          fields.url = ["This field is required."];
        }
        if (Object.keys(fields).length > 0) return badRequest("Bad request", fields);
        const status: FakeStatus = {
          repo: repo.fullName,
          hash,
          key: body.key,
          state: body.state,
          name: body.name ?? null,
          description: body.description ?? null,
          url: body.url,
        };
        statusHistory.push(status);
        return json(statusJson(status), 201);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/comments$`),
      handle(_req, params, url) {
        const pull = pullOf(params);
        if (!pull) return missingPull();
        const list = comments.filter((c) => c.repo === pull.repo && c.pr === pull.number);
        return paginate(url, list.map(commentJson));
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/comments$`),
      handle(req, params) {
        const pull = pullOf(params);
        if (!pull) return missingPull();
        const problem = contentProblem(req.body);
        if (problem) return problem;
        if (req.body.inline !== undefined) {
          const bad = inlineProblem(pull, req.body.inline);
          if (bad) return bad;
        }
        const inline = req.body.inline;
        const comment: FakeComment = {
          id: nextId++,
          repo: pull.repo,
          pr: pull.number,
          raw: req.body.content.raw,
          inline: inline
            ? {
              path: inline.path,
              to: inline.to ?? null,
              from: inline.from ?? null,
              start_to: inline.start_to ?? null,
            }
            : null,
          parentId: req.body.parent?.id ?? null,
          user: bot,
          deleted: false,
          createdOn: iso(),
          updatedOn: iso(),
        };
        comments.push(comment);
        return json(commentJson(comment), 201);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/comments/(\\d+)$`),
      handle(_req, params) {
        const comment = comments.find((c) =>
          c.repo === params[0] && c.pr === Number(params[1]) && c.id === Number(params[2])
        );
        return comment ? json(commentJson(comment)) : notFound("Comment not found");
      },
    },
    {
      // POST resolves (409 when already resolved), DELETE reopens (409 when open).
      method: "POST",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/comments/(\\d+)/resolve$`),
      handle: (_req, params) => resolution(params, true),
    },
    {
      method: "DELETE",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/comments/(\\d+)/resolve$`),
      handle: (_req, params) => resolution(params, false),
    },
    {
      method: "PUT",
      pattern: new RegExp(`^${R}/pullrequests/(\\d+)/comments/(\\d+)$`),
      handle(req, params) {
        const comment = comments.find((c) =>
          c.repo === params[0] && c.pr === Number(params[1]) && c.id === Number(params[2])
        );
        if (!comment || comment.deleted) return notFound("Comment not found");
        if (comment.user.account_id !== bot.account_id) {
          return error(403, "You are not allowed to edit this comment.");
        }
        const problem = contentProblem(req.body);
        if (problem) return problem;
        comment.raw = req.body.content.raw;
        comment.updatedOn = iso();
        return json(commentJson(comment));
      },
    },
  ];

  function resolution(params: string[], resolve: boolean): Response {
    const pull = pullOf(params);
    if (!pull) return missingPull();
    const c = comments.find((c) =>
      c.repo === pull.repo && c.pr === pull.number && c.id === Number(params[2])
    );
    if (!c || c.deleted) return notFound("Comment not found");
    if (c.parentId !== null) return error(400, "Only top-level comments can be resolved.");
    if (resolve === !!c.resolvedBy) {
      return error(409, resolve ? "Comment is already resolved." : "Comment is not resolved.");
    }
    c.resolvedBy = resolve ? bot : null;
    return resolve ? json(resolutionJson(c)) : new Response(null, { status: 204 });
  }

  // --- Credentials ----------------------------------------------------------------------------

  const authorized = (req: kit.RecordedRequest): boolean => {
    if (options.token === undefined && options.user === undefined) return true;
    const header = req.headers["authorization"] ?? "";
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (bearer !== undefined && options.token !== undefined && bearer === options.token) {
      return true;
    }
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
    if (basic !== undefined && options.user !== undefined) {
      try {
        const bytes = Uint8Array.from(atob(basic), (c) => c.charCodeAt(0));
        const text = new TextDecoder().decode(bytes);
        return text === `${options.user.email}:${options.user.apiToken}`;
      } catch {
        return false;
      }
    }
    return false;
  };

  // --- Server --------------------------------------------------------------------------------

  const api = kit.serveRoutes({
    prefix: PREFIX,
    routes,
    notFound: () => notFound(),
    outside: () => notFound(),
    admit: (req) =>
      authorized(req) ? null : json({ type: "error", error: { message: "Unauthorized" } }, 401, {
        "www-authenticate": 'Basic realm="Bitbucket.org HTTP"',
      }),
  });
  const base = api.url;

  const copyPull = (p: FakePullRequest): FakePullRequest => ({ ...p, author: { ...p.author } });
  const payloadPull = (repo: string, number: number) => {
    const p = repos.get(repo)?.pulls.get(number);
    if (!p) throw new Error(`the fake has no pull request ${repo}#${number}`);
    return {
      repo,
      id: number,
      title: p.title,
      description: p.description,
      state: p.state,
      draft: p.draft,
      headHash: p.headSha,
      baseHash: p.baseSha,
      headRef: p.headRef,
      baseRef: p.baseRef,
      author: p.author,
    };
  };

  return Promise.resolve({
    ...api,
    violations,
    commits,
    addPullRequest(input) {
      const repo = repoOf(input.repo);
      const number = input.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
      const headRef = input.headRef ?? `feature-${number}`;
      const baseRef = input.baseRef ?? "main";
      const baseSha = input.baseSha ?? repo.branches.get(baseRef) ?? newCommit(repo, baseRef);
      const headSha = input.headSha ?? newCommit(repo, headRef);
      repo.commits.add(baseSha).add(headSha);
      repo.branches.set(baseRef, baseSha);
      repo.branches.set(headRef, headSha);
      const pull: FakePullRequest = {
        repo: input.repo,
        number,
        title: input.title ?? `Pull request ${number}`,
        description: input.description ?? "",
        headSha,
        baseSha,
        headRef,
        baseRef,
        draft: input.draft ?? false,
        state: input.state ?? "OPEN",
        // Emma of Bitbucket's examples, with her stable ids (the permissions API is asked by them).
        author: input.author ?? {
          display_name: "Emma",
          nickname: "emmap1",
          account_id: "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
          uuid: "{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}",
        },
        diff: input.diff ?? "",
      };
      trackCommits(commits, pull);
      repo.pulls.set(number, pull);
      return copyPull(pull);
    },
    updatePullRequest(repo, number, changes) {
      const state = repos.get(repo);
      const pull = state?.pulls.get(number);
      if (!state || !pull) throw new Error(`the fake has no pull request ${repo}#${number}`);
      const before = pull.headSha;
      for (const [k, v] of Object.entries(changes)) {
        if (v !== undefined) (pull as unknown as Record<string, unknown>)[k] = v;
      }
      state.commits.add(pull.headSha).add(pull.baseSha);
      state.branches.set(pull.headRef, pull.headSha);
      trackCommits(commits, pull, before);
      return copyPull(pull);
    },
    pullRequest(repo, number) {
      const pull = repos.get(repo)?.pulls.get(number);
      return pull ? copyPull(pull) : undefined;
    },
    setBranch(repo, name, hash) {
      const state = repoOf(repo);
      state.commits.add(hash);
      state.branches.set(name, hash);
    },
    grant(repo, user, permission) {
      repoOf(repo).grants.push({ user, permission });
    },
    setFile(repo, ref, path, text) {
      const state = repoOf(repo);
      let hash = state.branches.get(ref) ?? (state.commits.has(ref) ? ref : undefined);
      if (!hash) {
        hash = newCommit(state, ref);
        state.branches.set(ref, hash);
      }
      state.files.set(`${hash}\u0000${path}`, text);
    },
    bot,
    addComment(repo, pr, raw, opts = {}) {
      const comment: FakeComment = {
        id: nextId++,
        repo,
        pr,
        raw,
        inline: opts.inline ? { ...opts.inline, from: null, start_to: null } : null,
        parentId: null,
        user: opts.user ?? { display_name: "Emma", nickname: "emmap1", account_id: "557058:emma" },
        deleted: false,
        createdOn: iso(),
        updatedOn: iso(),
      };
      comments.push(comment);
      return structuredClone(comment);
    },
    deleteComment(repo, id) {
      const comment = comments.find((c) => c.repo === repo && c.id === id);
      if (comment) comment.deleted = true;
    },
    comments: (repo, pr) =>
      comments.filter((c) => c.repo === repo && c.pr === pr).map((c) => structuredClone(c)),
    resolveAs(repo, id, user = EMMA) {
      const c = comments.find((c) => c.repo === repo && c.id === id);
      if (!c) throw new Error(`no comment ${id} on ${repo} on the fake`);
      c.resolvedBy = user;
    },
    replyTo(repo, id, raw, user = EMMA) {
      const to = comments.find((c) => c.repo === repo && c.id === id);
      if (!to) throw new Error(`no comment ${id} on ${repo} on the fake`);
      const reply: FakeComment = {
        ...structuredClone(to),
        id: nextId++,
        raw,
        parentId: to.id,
        user,
        resolvedBy: null,
        createdOn: iso(),
        updatedOn: iso(),
      };
      comments.push(reply);
      return structuredClone(reply);
    },
    statuses(repo, hash) {
      const latest = new Map<string, FakeStatus>();
      for (const s of statusHistory) if (s.repo === repo && s.hash === hash) latest.set(s.key, s);
      return [...latest.values()].map((s) => ({ ...s }));
    },
    statusHistory: (repo, hash) =>
      statusHistory.filter((s) => s.repo === repo && s.hash === hash).map((s) => ({ ...s })),
    pullRequestPayload: (repo, number, actor) =>
      pullRequestPayload({ ...payloadPull(repo, number), actor }),
    commentPayload: (repo, number, raw, opts = {}) =>
      commentPayload(payloadPull(repo, number), { raw, user: opts.user, inline: opts.inline }),
  });
}
