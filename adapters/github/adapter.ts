/**
 * The GitHub adapter (github.com and GitHub Enterprise Server), with a token or a GitHub App.
 * @module
 */

import { z } from "zod";
import { createGithubApi, type GithubApiOptions, githubMessage } from "./api.ts";
import { githubThreads } from "./threads.ts";
import { createGithubAppAuth, type GithubAppAuth } from "./_app_auth.ts";
import { parseGithubEvent } from "./events.ts";
import { diffFromFiles } from "./_files_diff.ts";
import { compareCommits } from "./compare.ts";
import { rangeStart } from "../../src/diff/mod.ts";
import {
  cachedIdentity,
  createHmacCheck,
  diffBudget,
  githubStyle,
  landedInline,
  markedInline,
  pairLanded,
  reviewCommentJson,
  statusDescription,
  withFingerprint,
} from "../_shared/mod.ts";
import type {
  GitAdapter,
  InlineComment,
  InlineResult,
  PostedComment,
  PullRequest,
  RepoRef,
} from "../../src/platform/mod.ts";

/** How to reach GitHub and prove who Loom is; see {@link createGithubAdapter}. */
export interface GithubAdapterOptions {
  /** `LOOM_GITHUB_API_URL`: `https://api.github.com`, or `https://HOST/api/v3` on GHES. */
  apiUrl: string;
  /** The secret deliveries are signed with; empty refuses every delivery. */
  webhookSecret: string;
  /** A personal access token (or any token GitHub takes as `Bearer`). */
  token?: string;
  /** A GitHub App; used instead of `token` when both are given. */
  app?: { appId: string; privateKey: string };
  fetch?: typeof fetch;
  /** The most bytes of a diff `fetchDiff` reads (`LOOM_MAX_DIFF_BYTES`); 5 MiB when not given. */
  maxDiffBytes?: number;
  now?: () => number;
  /**
   * Loom's own login (`my-app[bot]`), so that its comments never trigger a command and only its
   * comments count as its summary and findings; asked of GitHub once when not given.
   */
  botLogin?: string;
}

// The summary marker is shared with the other HTML-comment platforms; named here for callers
// that know this adapter only.
export { SUMMARY_MARKER } from "../_shared/mod.ts";

// GitHub refuses a longer status description.
const MAX_STATUS_DESCRIPTION = 140;
// GitHub's largest page of comments.
const PAGE_SIZE = 100;

/**
 * Creates the GitHub adapter.
 *
 * Calls go to `apiUrl` with `Authorization: Bearer …`: the token, or for an App an installation
 * token for the repository's installation (from the delivery, else looked up), cached until
 * 5 minutes before it expires. Failures throw {@link PlatformError}: rate limits (429, 403 with
 * `x-ratelimit-remaining: 0` or a secondary limit) are retryable after GitHub's `retry-after`
 * or `x-ratelimit-reset`; 5xx and network errors are retryable; other 4xx are permanent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGithubAdapter } from "./adapter.ts";
 *
 * // A fake GitHub answering `GET /repos/octo/app/pulls/7`.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   return Response.json({
 *     number: 7,
 *     title: "Parameterise find",
 *     body: null,
 *     state: "open",
 *     draft: false,
 *     user: { login: "alice" },
 *     head: { sha: "d3022fc0", ref: "feature" },
 *     base: { sha: "8a9c1b2e", ref: "main" },
 *   });
 * };
 * const github = createGithubAdapter({
 *   apiUrl: "https://api.github.com",
 *   webhookSecret: "webhook-s3cret",
 *   token: "ghp_example",
 *   botLogin: "loom-review[bot]",
 *   fetch: fakeFetch,
 * });
 * const pr = await github.getPullRequest({ platform: "github", fullName: "octo/app" }, 7);
 * assert.deepEqual(pr, {
 *   number: 7,
 *   title: "Parameterise find",
 *   description: "",
 *   headSha: "d3022fc0",
 *   baseSha: "8a9c1b2e",
 *   headRef: "feature",
 *   baseRef: "main",
 *   draft: false,
 *   state: "open",
 *   author: "alice",
 * });
 * assert.equal(seen[0].url, "https://api.github.com/repos/octo/app/pulls/7");
 * assert.equal(seen[0].headers.get("authorization"), "Bearer ghp_example");
 * ```
 */
export function createGithubAdapter(options: GithubAdapterOptions): GitAdapter {
  const fetchFn = options.fetch ?? fetch;
  const { maxDiffBytes } = options;
  const now = options.now ?? Date.now;
  let app: GithubAppAuth | null = null;

  const apiOptions: GithubApiOptions = {
    apiUrl: options.apiUrl,
    fetch: fetchFn,
    now,
    async authorization(repo) {
      if (app && repo) return `Bearer ${await app.installationToken(repo)}`;
      return options.token ? `Bearer ${options.token}` : null;
    },
    rejected: (authorization) => app?.forget(authorization.replace(/^Bearer /, "")) ?? false,
  };
  const api = createGithubApi(apiOptions);

  const checkSignature = createHmacCheck(options.webhookSecret);
  const shared = githubStyle(api, {
    platform: "GitHub",
    call: (path, repo, extra) => ({ path, repo, ...extra }),
    listQuery: { per_page: PAGE_SIZE },
    rawFile: { route: "/contents", accept: "application/vnd.github.raw+json" },
  });
  const { repoPath, prCall } = shared;

  if (options.app) {
    app = createGithubAppAuth({
      ...options.app,
      now,
      async exchange(jwt, installationId) {
        const answer = await api.json({
          method: "POST",
          path: `/app/installations/${installationId}/access_tokens`,
          authorization: `Bearer ${jwt}`,
          notFound: `GitHub App installation ${installationId} not found`,
        }, z.object({ token: z.string().min(1), expires_at: z.string() }));
        return { token: answer.token, expiresAt: answer.expires_at };
      },
      async findInstallation(jwt, fullName) {
        const answer = await api.json({
          path: `${repoPath(fullName)}/installation`,
          authorization: `Bearer ${jwt}`,
          notFound: `the GitHub App is not installed on ${fullName}`,
        }, z.object({ id: z.number().int() }));
        return answer.id;
      },
    });
  }

  // Who Loom posts as: a token's user (`GET /user`), or the App's bot user `<slug>[bot]`
  // (`GET /app` with the App's JWT; an installation token may not read `/user`).
  const whoAmI = options.botLogin !== undefined
    ? () => Promise.resolve(options.botLogin!)
    : cachedIdentity(async () => {
      if (!app) return (await api.json({ path: "/user" }, githubUser)).login;
      const answer = await api.json(
        { path: "/app", authorization: `Bearer ${await app.appJwt()}` },
        z.object({ slug: z.string().min(1) }),
      );
      return `${answer.slug}[bot]`;
    });

  const postSingle = async (
    repo: RepoRef,
    pr: PullRequest,
    c: InlineComment,
  ): Promise<{ posted: ReviewComment } | { rejected: string }> => {
    const call = prCall(repo, pr.number, `/pulls/${pr.number}/comments`, {
      method: "POST",
      body: { commit_id: pr.headSha, ...anchorOf(c), body: withFingerprint(c.body, c.fingerprint) },
      expect: [422],
    });
    const res = await api.request(call);
    if (res.status === 422) return { rejected: githubMessage(await res.text()) };
    return { posted: await api.read(res, call, reviewComment) };
  };

  return {
    platform: "github",
    dialect: {
      suggestionFence: () => "suggestion",
      // GitHub answers 422 "Body is too long (maximum is 65536 characters)".
      maxCommentChars: 65_536,
    },

    verifyWebhook(req, rawBody) {
      const signature = req.headers.get("x-hub-signature-256");
      if (!options.webhookSecret || !signature || rawBody.length === 0) {
        return Promise.resolve(false);
      }
      // GitHub signs the body's bytes: they are hashed as they came, without decoding them to a
      // string and encoding that again (21 KB twice for a typical pull request event).
      const given = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim())?.[1];
      if (!given) return Promise.resolve(false);
      return checkSignature(given, rawBody);
    },

    deliveryId: (req) => req.headers.get("x-github-delivery") || null,

    parseEvent: (req, rawBody) =>
      parseGithubEvent(req.headers.get("x-github-event"), rawBody, { botLogin: options.botLogin }),

    getPullRequest: shared.getPullRequest,

    async fetchDiff(repo, pr) {
      const budget = diffBudget(options.maxDiffBytes);
      const res = await api.request(prCall(repo, pr.number, `/pulls/${pr.number}`, {
        accept: "application/vnd.github.diff",
        expect: [406],
      }));
      if (res.status !== 406) return await budget.text(res);
      await res.body?.cancel();
      // Small pages: GitHub is reported to drop patches once one page's patches pass ~20k lines.
      const files = await api.list(
        prCall(repo, pr.number, `/pulls/${pr.number}/files`, { query: { per_page: 30 } }),
        pullFile,
        budget,
      );
      return diffFromFiles(files);
    },

    fetchFile: shared.fetchFile,

    async listComments(repo, pr) {
      const me = await whoAmI();
      // Logins are case-insensitive on GitHub.
      const isLoom = (login: string | undefined) => login?.toLowerCase() === me.toLowerCase();
      const [summaries, inline] = await Promise.all([
        shared.summaries(repo, pr, isLoom),
        api.list(
          prCall(repo, pr.number, `/pulls/${pr.number}/comments`, {
            query: { per_page: PAGE_SIZE },
          }),
          reviewComment,
        ),
      ]);
      const ours = inline.filter((c) => isLoom(c.user?.login));
      return [...summaries, ...ours.flatMap((c) => inlineOf(c) ?? [])];
    },

    postSummary: shared.postSummary,

    postComment: shared.postComment,

    async postInline(repo, pr, comments) {
      const result: InlineResult = { posted: [], rejected: [] };
      if (comments.length === 0) return result;
      const placed = comments.map((comment) => ({ comment, anchor: anchorOf(comment) }));
      const call = shared.reviewCall(repo, pr, placed, [422]);
      const res = await api.request(call);
      if (res.status !== 422) {
        const review = await api.read(res, call, z.object({ id: z.number() }));
        const landed = await api.list(
          prCall(repo, pr.number, `/pulls/${pr.number}/reviews/${review.id}/comments`, {
            query: { per_page: PAGE_SIZE },
          }),
          reviewComment,
        );
        for (const [c, match] of pairLanded(comments, landed)) {
          if (match) result.posted.push(landedInline(c, match.id, match));
        }
        return result;
      }
      // One bad anchor fails the whole review: post each alone to keep the good ones.
      await res.body?.cancel();
      for (const c of comments) {
        const single = await postSingle(repo, pr, c);
        if ("posted" in single) {
          result.posted.push(landedInline(c, single.posted.id, single.posted));
        } else result.rejected.push({ comment: c, reason: single.rejected });
      }
      return result;
    },

    setStatus: (repo, pr, status) =>
      shared.setStatus(repo, pr, {
        ...status,
        description: statusDescription(status.description, MAX_STATUS_DESCRIPTION),
      }),

    canWrite: shared.canWrite,
    compareCommits: (repo, from, to, o) =>
      compareCommits({ api, repoCall: shared.repoCall, maxDiffBytes }, repo, from, to, o),
    // Built by the review-life work (issue 12); until then these say so.
    ...githubThreads({ apiOptions, whoAmI }),
  };
}

const pullFile = z.object({
  filename: z.string(),
  status: z.string(),
  previous_filename: z.string().optional(),
  patch: z.string().optional(),
  changes: z.number().optional(),
});

const githubUser = z.object({ login: z.string().min(1) });

const reviewComment = reviewCommentJson.extend({
  line: z.number().nullish(),
  original_line: z.number().nullish(),
});
type ReviewComment = z.infer<typeof reviewComment>;

/** GitHub refuses `start_line` equal to `line` ("must precede the end line"), so it is omitted. */
function anchorOf(c: InlineComment) {
  const start = rangeStart(c);
  return {
    path: c.path,
    line: c.line,
    side: "RIGHT",
    ...(start !== undefined ? { start_line: start, start_side: "RIGHT" } : {}),
  };
}

function inlineOf(c: ReviewComment): (PostedComment & { fingerprint: string }) | null {
  // An outdated comment loses `line`; where it was first placed still tells the review code.
  return markedInline(c, { path: c.path, line: c.line ?? c.original_line });
}
