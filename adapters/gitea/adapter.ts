/**
 * The Gitea and Forgejo adapter (API v1, a Gitea-type webhook).
 * @module
 */

import { z } from "zod";
import { parseDiff, rangeStart } from "../../src/diff/mod.ts";
import { giteaAnchor, type GiteaReviewAnchor } from "./_anchors.ts";
import { createGiteaApi, giteaMessage } from "./api.ts";
import { compareCommits } from "./compare.ts";
import { parseGiteaEvent } from "./events.ts";
import { detectGiteaFlavor, type GiteaFlavor } from "./_flavor.ts";
import { createGiteaSignatureCheck } from "./_signature.ts";
import { hasWipPrefix } from "./_wip.ts";
import { giteaThreads } from "./threads.ts";
import {
  diffBudget,
  fingerprintOf,
  githubStyle,
  landedInline,
  markedInline,
  pairLanded,
  reviewCommentJson,
} from "../_shared/mod.ts";
import {
  type GitAdapter,
  type InlineComment,
  type InlineResult,
  PlatformError,
  type PostedComment,
  type PullRequest,
  type RepoRef,
} from "../../src/platform/mod.ts";

/** How to reach the instance and prove who Loom is; see {@link createGiteaAdapter}. */
export interface GiteaAdapterOptions {
  /** `LOOM_GITEA_URL`: the instance, `https://git.example.com` (the API is below `/api/v1`). */
  url: string;
  /** An access token of the user Loom posts as. */
  token: string;
  /** The secret deliveries are signed with; empty refuses every delivery. */
  webhookSecret: string;
  fetch?: typeof fetch;
  /** The most bytes of a diff `fetchDiff` reads (`LOOM_MAX_DIFF_BYTES`); 5 MiB when not given. */
  maxDiffBytes?: number;
  now?: () => number;
  /** Loom's own login; read once from `GET /api/v1/user` when not given. */
  botLogin?: string;
}

// The summary marker is shared with the other HTML-comment platforms; named here for callers
// that know this adapter only.
export { SUMMARY_MARKER } from "../_shared/mod.ts";

/**
 * Creates the adapter for a Gitea or Forgejo instance.
 *
 * Calls go to `url/api/v1` with `Authorization: token …`. Inline comments go out as one review
 * with `event: COMMENT` (without it Gitea keeps the review PENDING, visible to no one else),
 * anchored by new-file line with `old_position: 0`. Each is first checked against the pull
 * request's diff, since Gitea answers 500 for a comment it cannot place: the ones that fail
 * the check are returned as rejected and never sent. Ranges use Forgejo's `extra_lines_count`
 * (the fork is asked once, `/api/forgejo/v1/version`, and remembered); Gitea gets the first
 * line. Failures throw {@link PlatformError}: 429 and 5xx and network errors are retryable
 * (after `Retry-After`), other 4xx permanent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGiteaAdapter } from "./adapter.ts";
 *
 * // A fake Gitea answering `GET /api/v1/repos/octo/app/pulls/7`.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   return Response.json({
 *     number: 7,
 *     title: "WIP: Parameterise find",
 *     body: "",
 *     state: "open",
 *     user: { login: "alice" },
 *     head: { sha: "d3022fc0", ref: "feature" },
 *     base: { sha: "8a9c1b2e", ref: "main" },
 *   });
 * };
 * const gitea = createGiteaAdapter({
 *   url: "https://git.example.com",
 *   token: "t0ken",
 *   webhookSecret: "webhook-s3cret",
 *   fetch: fakeFetch,
 * });
 * const pr = await gitea.getPullRequest({ platform: "gitea", fullName: "octo/app" }, 7);
 * assert.equal(pr.headSha, "d3022fc0");
 * assert.equal(pr.draft, true); // Gitea's only draft signal: the WIP prefix
 * assert.equal(seen[0].url, "https://git.example.com/api/v1/repos/octo/app/pulls/7");
 * ```
 */
export function createGiteaAdapter(options: GiteaAdapterOptions): GitAdapter {
  const api = createGiteaApi({
    url: options.url,
    token: options.token,
    fetch: options.fetch ?? fetch,
    now: options.now ?? Date.now,
  });
  const verify = createGiteaSignatureCheck(options.webhookSecret);

  let flavor: Promise<GiteaFlavor> | null = null;
  const fork = () => {
    flavor ??= detectGiteaFlavor(api).catch((error) => {
      flavor = null; // not remembered: asked again on the next range
      throw error;
    });
    return flavor;
  };

  // Loom's login, once known; null when the token may not read its user (a scoped token).
  let login: string | null | undefined = options.botLogin;
  let identity: Promise<string | null> | null = null;
  const whoAmI = (): Promise<string | null> => {
    if (login !== undefined) return Promise.resolve(login);
    identity ??= api.json({ path: "/user" }, z.object({ login: z.string().min(1) })).then(
      (user) => (login = user.login),
      (error) => {
        identity = null;
        // Without `read:user` the markers alone tell Loom's comments apart; do not ask again.
        // Anything else (a 5xx, the network) fails the call rather than trusting markers.
        if (!(error instanceof PlatformError) || ![403, 404].includes(error.status)) throw error;
        login = null;
        return null;
      },
    );
    return identity;
  };

  // A token that may not read its user still learns its login from what it posts itself: the
  // author of its own review or summary. Until then no comment on the platform counts as Loom's.
  const learnLogin = (author: string | undefined) => {
    if (login === null && author) login = author;
  };

  const shared = githubStyle(api, {
    platform: "Gitea",
    call: (path, _repo, extra) => ({ path, ...extra }),
    rawFile: { route: "/raw", accept: "*/*" },
  });
  const { prCall } = shared;

  const diffOf = async (repo: RepoRef, number: number): Promise<string> => {
    const call = prCall(repo, number, `/pulls/${number}.diff`, { accept: "text/plain" });
    return await api.text(call, diffBudget(options.maxDiffBytes));
  };

  /**
   * Posts one COMMENT review: what landed, or `failed` when Gitea refused it, 500 for a comment
   * it cannot place, 422 for a pull request closed meanwhile.
   */
  const postReview = async (
    repo: RepoRef,
    pr: PullRequest,
    placed: { comment: InlineComment; anchor: GiteaReviewAnchor }[],
  ): Promise<{ landed: ReviewComment[] } | { failed: string }> => {
    const call = shared.reviewCall(repo, pr, placed, [422, 500]);
    const res = await api.request(call);
    if (res.status === 500 || res.status === 422) {
      return {
        failed: `Gitea refused the review (${res.status}: ${giteaMessage(await res.text())})`,
      };
    }
    const posted = await api.read(res, call, review);
    learnLogin(posted.user?.login);
    return { landed: await reviewComments(repo, pr.number, posted.id) };
  };

  const reviewComments = (repo: RepoRef, number: number, reviewId: number) =>
    api.json(
      prCall(repo, number, `/pulls/${number}/reviews/${reviewId}/comments`, {}),
      reviewComment.array(),
    );

  /**
   * Comments created before Gitea's 500 stay in a PENDING review of Loom's; the next review
   * would submit them along with itself, twice over. Deleting that review drops them.
   */
  const discardPending = async (repo: RepoRef, pr: PullRequest) => {
    const me = await whoAmI();
    const reviews = await api.list(
      prCall(repo, pr.number, `/pulls/${pr.number}/reviews`, {}),
      review,
    );
    for (const r of reviews) {
      if (r.state !== "PENDING") continue;
      if (me !== null ? !sameLogin(r.user?.login, me) : !(await onlyLoomComments(repo, pr, r.id))) {
        continue;
      }
      await api.send(prCall(repo, pr.number, `/pulls/${pr.number}/reviews/${r.id}`, {
        method: "DELETE",
        expect: [404],
      }));
    }
  };

  // An admin token sees everyone's pending reviews: without Loom's login, only a review made
  // of Loom's comments alone is Loom's.
  const onlyLoomComments = async (repo: RepoRef, pr: PullRequest, reviewId: number) => {
    const comments = await reviewComments(repo, pr.number, reviewId);
    return comments.length > 0 && comments.every((c) => fingerprintOf(c.body ?? "") !== null);
  };

  return {
    platform: "gitea",
    dialect: {
      // Gitea and Forgejo render no suggestion blocks.
      suggestionFence: () => null,
      // No documented limit; Loom keeps every platform to GitHub's bound.
      maxCommentChars: 65_536,
    },

    verifyWebhook: (req, rawBody) => verify(req.headers, rawBody),

    deliveryId: (req) =>
      req.headers.get("x-forgejo-delivery") || req.headers.get("x-gitea-delivery") || null,

    parseEvent: (req, rawBody) =>
      parseGiteaEvent(
        {
          type: req.headers.get("x-forgejo-event-type") ?? req.headers.get("x-gitea-event-type"),
          event: req.headers.get("x-forgejo-event") ?? req.headers.get("x-gitea-event"),
        },
        rawBody,
        { botLogin: login },
      ),

    async getPullRequest(repo, number) {
      const pr = await shared.getPullRequest(repo, number);
      return { ...pr, draft: pr.draft || hasWipPrefix(pr.title) };
    },

    fetchDiff: (repo, pr) => diffOf(repo, pr.number),

    fetchFile: shared.fetchFile,

    async listComments(repo, pr) {
      const me = await whoAmI();
      // Without Loom's login yet (a token that may not read its user), nothing is Loom's: it
      // posts its own summary, and the findings it recorded keep their dedupe.
      const isLoom = (author: string | undefined) => me !== null && sameLogin(author, me);
      const [summaries, reviews] = await Promise.all([
        shared.summaries(repo, pr, isLoom),
        api.list(prCall(repo, pr.number, `/pulls/${pr.number}/reviews`, {}), review),
      ]);
      const out: PostedComment[] = [...summaries];
      // Each review's comments are one call: only Loom's own submitted reviews are read.
      const ours = reviews.filter((r) =>
        r.state !== "PENDING" && (r.comments_count ?? 1) > 0 &&
        isLoom(r.user?.login)
      );
      for (const r of ours) {
        for (const c of await reviewComments(repo, pr.number, r.id)) {
          const posted = inlineOf(c);
          if (posted) out.push(posted);
        }
      }
      return out;
    },

    async postSummary(repo, pr, body, existing) {
      const posted = await shared.postSummary(repo, pr, body, existing);
      if (login === null) {
        const mine = await api.json(
          shared.repoCall(repo, `/issues/comments/${posted.id}`, {}),
          z.object({ user }),
        );
        learnLogin(mine.user?.login);
      }
      return posted;
    },

    postComment: shared.postComment,

    async postInline(repo, pr, comments) {
      const result: InlineResult = { posted: [], rejected: [] };
      if (comments.length === 0) return result;
      const files = parseDiff(await diffOf(repo, pr.number));
      const hasRange = comments.some((c) => rangeStart(c) !== undefined);
      // Older Forgejo versions ignore the unknown field: the comment lands on the first line.
      const ranges = hasRange && (await fork()).kind === "forgejo";
      const placed: { comment: InlineComment; anchor: GiteaReviewAnchor }[] = [];
      for (const comment of comments) {
        const anchor = giteaAnchor(files, comment, ranges);
        if ("reason" in anchor) result.rejected.push({ comment, reason: anchor.reason });
        else placed.push({ comment, anchor });
      }
      if (placed.length === 0) return result;

      const take = (landed: ReviewComment[], batch: typeof placed) => {
        for (const [comment, match] of pairLanded(batch.map((p) => p.comment), landed)) {
          if (match) {
            result.posted.push(
              landedInline(comment, match.id, { path: match.path, line: lineOf(match) }),
            );
          } else {
            result.rejected.push({ comment, reason: "Gitea accepted the review without it" });
          }
        }
      };

      const all = await postReview(repo, pr, placed);
      if ("landed" in all) {
        take(all.landed, placed);
        return result;
      }
      // Something in the review could not be placed after all: each alone, to keep the others.
      await discardPending(repo, pr);
      for (const one of placed) {
        const single = await postReview(repo, pr, [one]);
        if ("landed" in single) {
          take(single.landed, [one]);
        } else {
          await discardPending(repo, pr);
          result.rejected.push({ comment: one.comment, reason: single.failed });
        }
      }
      return result;
    },

    setStatus: shared.setStatus,

    canWrite: shared.canWrite,
    // Built by the review-life work (issue 12); until then these say so.
    compareCommits: (repo, from, to, o) =>
      compareCommits(
        { api, repoCall: shared.repoCall, maxDiffBytes: options.maxDiffBytes },
        repo,
        from,
        to,
        o,
      ),
    ...giteaThreads({ api, shared, whoAmI, fork }),
  };
}

const user = z.object({ login: z.string() }).nullish();

const review = z.object({
  id: z.number(),
  state: z.string().nullish(),
  comments_count: z.number().nullish(),
  user,
});

const reviewComment = reviewCommentJson.extend({
  position: z.number().nullish(),
  extra_lines_count: z.number().nullish(),
});
type ReviewComment = z.infer<typeof reviewComment>;

function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The last line a comment covers: Forgejo anchors a range on its first line. */
function lineOf(c: ReviewComment): number | undefined {
  return c.position ? c.position + (c.extra_lines_count ?? 0) : undefined;
}

function inlineOf(c: ReviewComment): (PostedComment & { fingerprint: string }) | null {
  return markedInline(c, { path: c.path, line: lineOf(c) });
}
