/**
 * The threads of Loom's inline comments on Gitea and Forgejo. Both keep a review comment's
 * conversation as the code comments on the same file and line, whatever review they came in,
 * and say who resolved it in the comment's `resolver`. Gitea (1.24 and later) resolves one by
 * `POST /repos/{owner}/{repo}/pulls/comments/{id}/resolve` (204, and 204 again when already
 * resolved); Forgejo has no such route (it answers 405) and older Gitea neither: there the
 * note is posted in the conversation as a reply instead, and the outcome is `replied`.
 * @module
 */

import { z } from "zod";
import type { GiteaApi, GiteaRequest } from "./api.ts";
import type { GiteaFlavor } from "./_flavor.ts";
import {
  fingerprintOf,
  type GithubStyle,
  personReplies,
  replyText,
  threadBudget,
} from "../_shared/mod.ts";
import type { GitAdapter, PullRequest, RepoRef, ReviewThread } from "../../src/platform/mod.ts";

/** What {@link giteaThreads} calls Gitea with. */
export interface GiteaThreadsDeps {
  api: GiteaApi;
  shared: Pick<GithubStyle<GiteaRequest>, "prCall" | "repoCall">;
  /** Loom's login; null while unknown (a token that may not read its user): nothing is Loom's. */
  whoAmI(): Promise<string | null>;
  /** Which fork the instance runs, asked once. */
  fork(): Promise<GiteaFlavor>;
}

/** Reviews whose comments are read at most: far above the reviews one pull request gets. */
const MAX_REVIEWS = 200;

/**
 * `listThreads` and `resolveThread` for the Gitea adapter. Loom's threads are its own code
 * comments carrying a fingerprint; the people's code comments on the same file and line after
 * one are its replies. Reactions are not read (one call per comment on Gitea): empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canResolve } from "./threads.ts";
 *
 * assert.equal(canResolve({ kind: "gitea", version: "1.24.6" }), true);
 * assert.equal(canResolve({ kind: "gitea", version: "1.23.8" }), false);
 * assert.equal(canResolve({ kind: "forgejo", version: "11.0.1" }), false);
 * ```
 */
export function giteaThreads(
  deps: GiteaThreadsDeps,
): Pick<GitAdapter, "listThreads" | "resolveThread"> {
  const { api, shared } = deps;

  const conversations = async (repo: RepoRef, pr: PullRequest) => {
    const me = await deps.whoAmI();
    const isLoom = (login: string | undefined | null) =>
      me !== null && !!login && login.toLowerCase() === me.toLowerCase();
    const n = pr.number;
    const reviews = await api.list(shared.prCall(repo, n, `/pulls/${n}/reviews`, {}), review);
    const budget = threadBudget("Gitea");
    const comments: Comment[] = [];
    const submitted = reviews.filter((r) => r.state !== "PENDING" && (r.comments_count ?? 1) > 0)
      .slice(0, MAX_REVIEWS);
    for (const r of submitted) {
      const call = shared.prCall(repo, n, `/pulls/${n}/reviews/${r.id}/comments`, {});
      comments.push(...await api.read(await api.request(call), call, comment.array(), budget));
    }
    comments.sort((a, b) => a.id - b.id);
    const ours = comments.flatMap((c) => {
      const marked = fingerprintOf(c.body ?? "");
      return marked && isLoom(c.user?.login) ? [{ c, fingerprint: marked.fingerprint }] : [];
    });
    const sameLine = (a: Comment, b: Comment) =>
      a.path === b.path && a.position === b.position && a.original_position === b.original_position;
    return ours.map(({ c, fingerprint }) => {
      const inIt = comments.filter((o) => sameLine(o, c));
      const after = inIt.filter((o) => o.id > c.id);
      // Gitea's UI resolves a conversation on its first comment.
      const resolver = c.resolver?.login ?? inIt[0]?.resolver?.login ?? null;
      return { c, fingerprint, after, resolver, isLoom };
    });
  };

  return {
    async listThreads(repo, pr) {
      const found = await conversations(repo, pr);
      return found.map(({ c, fingerprint, after, resolver, isLoom }): ReviewThread => ({
        commentId: String(c.id),
        fingerprint,
        resolved: resolver !== null,
        ...(resolver ? { resolvedBy: resolver } : {}),
        replies: personReplies(
          after.map((o) => ({ author: o.user?.login, body: o.body })),
          (login) => isLoom(login),
        ),
        reactions: [],
      }));
    },

    async resolveThread(repo, pr, commentId, note) {
      const found = (await conversations(repo, pr)).find(({ c }) => String(c.id) === commentId);
      if (!found) return "gone";
      if (found.resolver !== null) return "already_resolved";
      const { c, after, isLoom } = found;
      if (canResolve(await deps.fork())) {
        const status = await api.send(
          shared.repoCall(repo, `/pulls/comments/${c.id}/resolve`, {
            method: "POST",
            expect: [404, 405],
          }),
        );
        if (status === 404) return "gone";
        if (status !== 405) return "resolved";
      }
      // Loom's note is already in the conversation: said once is enough.
      if (after.some((o) => isLoom(o.user?.login) && o.body?.includes(note))) {
        return "already_resolved";
      }
      await api.send(shared.prCall(repo, pr.number, `/pulls/${pr.number}/reviews`, {
        method: "POST",
        body: {
          commit_id: pr.headSha,
          event: "COMMENT",
          body: "",
          comments: [{
            path: c.path,
            body: replyText(note),
            // The same line is the same conversation; `old_position` wins when above 0.
            new_position: c.position ?? 0,
            old_position: c.position ? 0 : c.original_position ?? 0,
          }],
        },
      }));
      return "replied";
    },
  };
}

/**
 * Whether the instance can resolve a conversation through the API: Gitea from 1.24, which added
 * `POST …/pulls/comments/{id}/resolve`; no Forgejo (its swagger has no such route).
 */
export function canResolve(flavor: GiteaFlavor): boolean {
  if (flavor.kind !== "gitea") return false;
  const [major, minor] = flavor.version.split(/[.+-]/).map(Number);
  return major > 1 || (major === 1 && minor >= 24);
}

const user = z.object({ login: z.string() }).nullish();

const review = z.object({
  id: z.number(),
  state: z.string().nullish(),
  comments_count: z.number().nullish(),
});

const comment = z.object({
  id: z.number(),
  body: z.string().nullish(),
  path: z.string().nullish(),
  user,
  resolver: user,
  position: z.number().nullish(),
  original_position: z.number().nullish(),
});
type Comment = z.infer<typeof comment>;
