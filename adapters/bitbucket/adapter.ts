/**
 * The Bitbucket Cloud adapter (REST 2.0), with an access token or a user API token.
 * @module
 */

import { z } from "zod";
import { parseDiff, placementProblem, rangeStart } from "../../src/diff/mod.ts";
import { bitbucketMessage, createBitbucketApi } from "./api.ts";
import { parseBitbucketEvent } from "./events.ts";
import { comparableHash, isFullHash } from "./_hash.ts";
import { compareCommits } from "./compare.ts";
import { bitbucketThreads } from "./threads.ts";
import { fingerprintOf, replyText, summaryBody, summaryText, withFingerprint } from "./_markers.ts";
import {
  basicAuthorization,
  cachedIdentity,
  createHmacCheck,
  diffBudget,
  editOrPost,
  fileText,
  landedInline,
  repoSegments,
  statusDescription,
} from "../_shared/mod.ts";
import {
  type CommitStatus,
  type GitAdapter,
  type InlineComment,
  type InlineResult,
  PlatformError,
  type PostedComment,
  type RepoRef,
} from "../../src/platform/mod.ts";

/** How to reach Bitbucket and prove who Loom is; see {@link createBitbucketAdapter}. */
export interface BitbucketAdapterOptions {
  /** `LOOM_BITBUCKET_API_URL`: `https://api.bitbucket.org/2.0`. */
  apiUrl: string;
  /** The secret deliveries are signed with; empty refuses every delivery. */
  webhookSecret: string;
  /** A repository, project or workspace access token, sent as `Bearer`. */
  token?: string;
  /** A user API token with its Atlassian account email, sent as `Basic`; used without `token`. */
  user?: { email: string; apiToken: string };
  fetch?: typeof fetch;
  /** The most bytes of a diff `fetchDiff` reads (`LOOM_MAX_DIFF_BYTES`); 5 MiB when not given. */
  maxDiffBytes?: number;
  now?: () => number;
}

/** The key of Loom's build status on a commit: Bitbucket overwrites a status of the same key. */
export const STATUS_KEY = "loom";

const STATES: Record<CommitStatus["state"], string> = {
  pending: "INPROGRESS",
  success: "SUCCESSFUL",
  failure: "FAILED",
  // Loom could not finish (config errors, every model failing): not a verdict on the code.
  error: "STOPPED",
};
// Bitbucket documents no limit; this keeps the line readable in its build list.
const MAX_STATUS_DESCRIPTION = 255;
// Enough for every pull request a busy server has in flight.
const CACHE_SIZE = 500;

/**
 * Creates the Bitbucket Cloud adapter.
 *
 * Deliveries are verified with `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`,
 * compared in constant time by Web Crypto. Calls go to `apiUrl` with `Authorization: Bearer
 * <token>` or `Basic <email:apiToken>`. Failures throw {@link PlatformError}: 429 is retryable
 * after Bitbucket's `Retry-After` (a minute without one), 5xx and network errors are
 * retryable, other 4xx are permanent.
 *
 * Bitbucket has no batch review and documents no check of inline anchors, so `postInline`
 * checks every anchor against the pull request's diff and posts the valid ones one by one; a
 * comment Bitbucket refuses (400) is reported as rejected too. Comments are marked with
 * invisible link reference definitions (see `bitbucket_markers.ts`). Heads are compared as
 * 12-character abbreviations (see `bitbucket_hash.ts`); the build status, which needs the full
 * hash, looks it up with `GET /repositories/{ws}/{repo}/commit/{short}` and caches it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBitbucketAdapter } from "./adapter.ts";
 *
 * // A fake Bitbucket answering `GET /2.0/repositories/ws/app/pullrequests/7`.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   return Response.json({
 *     id: 7,
 *     title: "Parameterise find",
 *     description: "",
 *     state: "OPEN",
 *     author: { nickname: "alice" },
 *     source: { branch: { name: "feature" }, commit: { hash: "d3022fc0ca3d" } },
 *     destination: { branch: { name: "main" }, commit: { hash: "8a9c1b2e3f4a" } },
 *   });
 * };
 * const bitbucket = createBitbucketAdapter({
 *   apiUrl: "https://api.bitbucket.org/2.0",
 *   webhookSecret: "webhook-s3cret",
 *   token: "t0ken",
 *   fetch: fakeFetch,
 * });
 * const pr = await bitbucket.getPullRequest({ platform: "bitbucket", fullName: "ws/app" }, 7);
 * assert.deepEqual(pr, {
 *   number: 7,
 *   title: "Parameterise find",
 *   description: "",
 *   headSha: "d3022fc0ca3d",
 *   baseSha: "8a9c1b2e3f4a",
 *   headRef: "feature",
 *   baseRef: "main",
 *   draft: false,
 *   state: "open",
 *   author: "alice",
 * });
 * assert.equal(seen[0].url, "https://api.bitbucket.org/2.0/repositories/ws/app/pullrequests/7");
 * assert.equal(seen[0].headers.get("authorization"), "Bearer t0ken");
 * ```
 */
export function createBitbucketAdapter(options: BitbucketAdapterOptions): GitAdapter {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const api = createBitbucketApi({
    apiUrl: options.apiUrl,
    fetch: fetchFn,
    now,
    authorization: authorizationOf(options),
  });
  // The account the credentials act as, by its uuid: only its comments are Loom's summary and
  // findings, whatever markers others type. An access token (repository, project, workspace)
  // acts as its own bot user but may lack the `account` scope `GET /user` wants (403): it then
  // learns its uuid from the author of what it posts itself, and until then no comment on the
  // platform counts as Loom's (it posts its own summary; the findings it recorded keep their
  // dedupe).
  let learned: string | null = null;
  const asked = cachedIdentity(async () => {
    try {
      return (await api.json({ path: "/user" }, z.object({ uuid: z.string().min(1) }))).uuid;
    } catch (error) {
      if (error instanceof PlatformError && error.status === 403) return null;
      throw error;
    }
  });
  const whoAmI = async () => (await asked()) ?? learned;
  const learn = (uuid: string | null | undefined) => {
    learned ??= uuid ?? null;
  };
  const fullHashes = boundedMap<string, string>(CACHE_SIZE);
  const pullLinks = boundedMap<string, string>(CACHE_SIZE);
  const checkSignature = createHmacCheck(options.webhookSecret);

  const pullPath = (repo: RepoRef, number: number, suffix = "") =>
    `${repoPath(repo.fullName)}/pullrequests/${number}${suffix}`;
  const missingPull = (repo: RepoRef, number: number) =>
    `pull request ${repo.fullName}#${number} not found (or the credentials cannot see it)`;

  const fullHash = async (repo: RepoRef, hash: string): Promise<string> => {
    if (isFullHash(hash)) return hash.toLowerCase();
    const cacheKey = `${repo.fullName}@${hash}`;
    const cached = fullHashes.get(cacheKey);
    if (cached) return cached;
    const commit = await api.json({
      path: `${repoPath(repo.fullName)}/commit/${encodeURIComponent(hash)}`,
      notFound: `commit ${hash} not found in ${repo.fullName}`,
    }, z.object({ hash: z.string() }));
    if (!isFullHash(commit.hash) || !commit.hash.toLowerCase().startsWith(hash.toLowerCase())) {
      throw new PlatformError(`Bitbucket resolved commit ${hash} to ${commit.hash}`, {
        status: 200,
        retryable: false,
      });
    }
    fullHashes.set(cacheKey, commit.hash.toLowerCase());
    return commit.hash.toLowerCase();
  };

  const fetchDiff = async (repo: RepoRef, number: number): Promise<string> => {
    return await api.text({
      path: pullPath(repo, number, "/diff"),
      accept: "text/plain",
      notFound: missingPull(repo, number),
    }, diffBudget(options.maxDiffBytes));
  };

  return {
    platform: "bitbucket",
    dialect: {
      // Bitbucket Cloud renders no suggestion blocks.
      suggestionFence: () => null,
      // No documented limit; Loom keeps every platform to GitHub's bound.
      maxCommentChars: 65_536,
    },

    async verifyWebhook(req, rawBody) {
      const header = req.headers.get("x-hub-signature") ?? "";
      const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
      if (!m || rawBody.length === 0) return false;
      return await checkSignature(m[1], rawBody);
    },

    deliveryId: (req) => req.headers.get("x-request-uuid") || null,

    parseEvent: (req, rawBody) => parseBitbucketEvent(req.headers.get("x-event-key"), rawBody),

    // Bitbucket Cloud pull requests have no labels: `labels` stays undefined.
    async getPullRequest(repo, number) {
      const pr = await api.json(
        { path: pullPath(repo, number), notFound: missingPull(repo, number) },
        pullRequest,
      );
      const head = pr.source.commit?.hash ?? "";
      if (isFullHash(head)) fullHashes.set(`${repo.fullName}@${comparableHash(head)}`, head);
      const html = pr.links?.html?.href;
      if (html) pullLinks.set(`${repo.fullName}#${number}`, html);
      return {
        number: pr.id,
        title: pr.title,
        description: pr.description ?? pr.summary?.raw ?? "",
        headSha: comparableHash(head),
        baseSha: comparableHash(pr.destination.commit?.hash ?? ""),
        headRef: pr.source.branch?.name ?? "",
        baseRef: pr.destination.branch?.name ?? "",
        draft: pr.draft ?? false,
        state: pr.state === "OPEN" ? "open" : pr.state === "MERGED" ? "merged" : "closed",
        author: pr.author?.nickname ?? pr.author?.display_name ?? "",
      };
    },

    fetchDiff: (repo, pr) => fetchDiff(repo, pr.number),

    async fetchFile(repo, path, ref) {
      let commit = ref;
      if (ref.includes("/")) {
        // `src/{commit}/{path}` cannot tell a branch's slashes from the path's: use its tip.
        const encoded = ref.split("/").map(encodeURIComponent).join("/");
        const call = { path: `${repoPath(repo.fullName)}/refs/branches/${encoded}`, expect: [404] };
        const res = await api.request(call);
        if (res.status === 404) {
          await res.body?.cancel();
          return null;
        }
        commit = (await api.read(res, call, branch)).target.hash;
      }
      const file = path.split("/").map(encodeURIComponent).join("/");
      return await fileText(
        await api.request({
          path: `${repoPath(repo.fullName)}/src/${encodeURIComponent(commit)}/${file}`,
          accept: "*/*",
          expect: [404],
        }),
      );
    },

    async listComments(repo, pr) {
      const me = await whoAmI();
      const comments = await api.list(
        {
          path: pullPath(repo, pr.number, "/comments"),
          query: { pagelen: 100 },
          notFound: missingPull(repo, pr.number),
        },
        comment,
      );
      const out: PostedComment[] = [];
      for (const c of comments) {
        if (c.deleted || c.pending || me === null || c.user?.uuid !== me) continue;
        const raw = c.content?.raw ?? "";
        if (!c.inline) {
          const body = summaryBody(raw);
          if (body !== null) out.push({ id: String(c.id), kind: "summary", body });
          continue;
        }
        const marked = fingerprintOf(raw);
        if (!marked) continue;
        const posted: PostedComment = {
          id: String(c.id),
          kind: "inline",
          body: marked.body,
          fingerprint: marked.fingerprint,
          path: c.inline.path,
        };
        const line = c.inline.to ?? c.inline.from;
        if (typeof line === "number") posted.line = line;
        out.push(posted);
      }
      return out;
    },

    async postSummary(repo, pr, body, existing) {
      const content = { content: { raw: summaryText(body) } };
      const me = await whoAmI();
      const posted = await editOrPost(api, {
        edit: existing && {
          method: "PUT",
          path: pullPath(repo, pr.number, `/comments/${encodeURIComponent(existing.id)}`),
          body: content,
        },
        post: {
          method: "POST",
          path: pullPath(repo, pr.number, "/comments"),
          body: content,
          notFound: missingPull(repo, pr.number),
        },
      }, body);
      if (me === null) {
        learn(
          (await api.json({
            path: pullPath(repo, pr.number, `/comments/${encodeURIComponent(posted.id)}`),
          }, comment)).user?.uuid,
        );
      }
      return posted;
    },

    async postComment(repo, pr, body) {
      await api.send({
        method: "POST",
        path: pullPath(repo, pr.number, "/comments"),
        body: { content: { raw: replyText(body) } },
        notFound: missingPull(repo, pr.number),
      });
    },

    async postInline(repo, pr, comments) {
      const result: InlineResult = { posted: [], rejected: [] };
      if (comments.length === 0) return result;
      const files = parseDiff(await fetchDiff(repo, pr.number));
      for (const c of comments) {
        const problem = placementProblem(files, c);
        if (problem) {
          result.rejected.push({ comment: c, reason: problem });
          continue;
        }
        const call = {
          method: "POST",
          path: pullPath(repo, pr.number, "/comments"),
          body: { content: { raw: withFingerprint(c.body, c.fingerprint) }, inline: inlineOf(c) },
          expect: [400],
          notFound: missingPull(repo, pr.number),
        };
        const res = await api.request(call);
        if (res.status === 400) {
          result.rejected.push({ comment: c, reason: bitbucketMessage(await res.text()) });
          continue;
        }
        const posted = await api.read(res, call, comment);
        learn(posted.user?.uuid);
        result.posted.push(
          landedInline(c, posted.id, { path: posted.inline?.path, line: posted.inline?.to }),
        );
      }
      return result;
    },

    // Built by the review-life work (issue 12); until then these say so.
    compareCommits: (repo, from, to, o) =>
      compareCommits({ api, repoPath, maxDiffBytes: options.maxDiffBytes }, repo, from, to, o),
    ...bitbucketThreads({ api, pullPath, missingPull, whoAmI }),
    async canWrite(repo, user) {
      // Effective permissions (direct or through a group), which only a repository admin's
      // credentials may read: without them the call fails, and no command is obeyed.
      const [workspace, slug] = repoSegments(repo.fullName, "a Bitbucket workspace/repo_slug");
      const who = user.id === undefined
        ? `user.nickname="${bbqlString(user.name)}"`
        : user.id.startsWith("{")
        ? `user.uuid="${bbqlString(user.id)}"`
        : `user.account_id="${bbqlString(user.id)}"`;
      const grants = await api.list(
        {
          path: `/workspaces/${workspace}/permissions/repositories/${slug}`,
          query: { q: who, pagelen: 100 },
        },
        z.object({ permission: z.string() }),
      );
      return grants.some((g) => g.permission === "write" || g.permission === "admin");
    },

    async setStatus(repo, pr, status) {
      const hash = await fullHash(repo, pr.headSha);
      const description = statusDescription(status.description, MAX_STATUS_DESCRIPTION);
      await api.send({
        method: "POST",
        path: `${repoPath(repo.fullName)}/commit/${hash}/statuses/build`,
        body: {
          key: STATUS_KEY,
          state: STATES[status.state],
          name: "Loom",
          description,
          // Bitbucket wants a link; without a review page, the pull request itself.
          url: status.targetUrl ?? pullLinks.get(`${repo.fullName}#${pr.number}`) ??
            `https://bitbucket.org/${repo.fullName}/pull-requests/${pr.number}`,
        },
        notFound: `commit ${hash} not found in ${repo.fullName}`,
      });
    },
  };
}

const account = z.object({
  display_name: z.string().nullish(),
  nickname: z.string().nullish(),
}).nullish();

const endpoint = z.object({
  branch: z.object({ name: z.string() }).nullish(),
  commit: z.object({ hash: z.string() }).nullish(),
});

const pullRequest = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  summary: z.object({ raw: z.string().nullish() }).nullish(),
  state: z.string(),
  draft: z.boolean().nullish(),
  author: account,
  source: endpoint,
  destination: endpoint,
  links: z.object({ html: z.object({ href: z.string() }).nullish() }).nullish(),
});

const comment = z.object({
  id: z.number().int(),
  content: z.object({ raw: z.string().nullish() }).nullish(),
  deleted: z.boolean().nullish(),
  pending: z.boolean().nullish(),
  user: z.object({ uuid: z.string().nullish() }).nullish(),
  inline: z.object({
    path: z.string(),
    to: z.number().int().nullish(),
    from: z.number().int().nullish(),
  }).nullish(),
});

const branch = z.object({ target: z.object({ hash: z.string().min(1) }) });

function authorizationOf(options: BitbucketAdapterOptions): string | null {
  if (options.token) return `Bearer ${options.token}`;
  if (options.user) return basicAuthorization(options.user.email, options.user.apiToken);
  return null;
}

/** A value inside a BBQL string literal: its quotes and backslashes escaped. */
function bbqlString(value: string): string {
  return value.replace(/["\\]/g, (c) => `\\${c}`);
}

function repoPath(fullName: string): string {
  const [workspace, slug] = repoSegments(fullName, "a Bitbucket workspace/repo_slug");
  return `/repositories/${workspace}/${slug}`;
}

/** A single line sends `to` alone; a range adds `start_to` (Bitbucket refuses it above `to`). */
function inlineOf(c: InlineComment) {
  const start = rangeStart(c);
  return { path: c.path, to: c.line, ...(start !== undefined ? { start_to: start } : {}) };
}

function boundedMap<K, V>(size: number) {
  const map = new Map<K, V>();
  return {
    get: (k: K) => map.get(k),
    set(k: K, v: V) {
      map.delete(k);
      map.set(k, v);
      if (map.size > size) map.delete(map.keys().next().value as K);
    },
  };
}
