/**
 * The threads of Loom's inline comments on Bitbucket Cloud: a thread is a top-level comment and
 * the comments whose `parent` chain leads to it; a resolved one carries `resolution` (who, when).
 * Resolving is `POST …/pullrequests/{id}/comments/{comment_id}/resolve` (DELETE reopens), which
 * Bitbucket refuses with 409 for a comment already resolved. Bitbucket has no reactions.
 * @module
 */

import { z } from "zod";
import type { BitbucketApi } from "./api.ts";
import { fingerprintOf } from "./_markers.ts";
import { personReplies, threadBudget } from "../_shared/mod.ts";
import type { GitAdapter, RepoRef, ReviewThread } from "../../src/platform/mod.ts";

/** What {@link bitbucketThreads} calls Bitbucket with. */
export interface BitbucketThreadsDeps {
  api: BitbucketApi;
  /** `/repositories/{ws}/{slug}/pullrequests/{id}` and `suffix`. */
  pullPath(repo: RepoRef, number: number, suffix?: string): string;
  /** The message of a missing pull request's 404. */
  missingPull(repo: RepoRef, number: number): string;
  /** Loom's account uuid; null while unknown: then nothing is Loom's. */
  whoAmI(): Promise<string | null>;
}

/**
 * `listThreads` and `resolveThread` for the Bitbucket adapter. Loom's threads open with its own
 * (by account uuid), undeleted inline comment carrying a fingerprint; replies are the
 * undeleted comments under it by others, named by nickname (display name when none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBitbucketApi } from "./api.ts";
 * import { bitbucketThreads } from "./threads.ts";
 *
 * // A fake Bitbucket: Loom's comment, resolved by Emma, and her reply.
 * const loom = { uuid: "{loom}", nickname: "loom-bot" };
 * const fakeFetch: typeof fetch = async () =>
 *   Response.json({ values: [
 *     { id: 11, content: { raw: "Bind it.\n\n[loom-fp-fp-1]: #" }, user: loom,
 *       inline: { path: "a.ts", to: 4 }, resolution: { user: { nickname: "emmap1" } } },
 *     { id: 12, content: { raw: "done" }, user: { uuid: "{emma}", nickname: "emmap1" },
 *       parent: { id: 11 }, inline: { path: "a.ts", to: 4 } },
 *   ] });
 * const threads = bitbucketThreads({
 *   api: createBitbucketApi({
 *     apiUrl: "https://api.bitbucket.org/2.0",
 *     fetch: fakeFetch,
 *     now: Date.now,
 *      authorization: "Bearer t0ken",
 *   }),
 *   pullPath: (_repo, n, suffix = "") => `/repositories/ws/app/pullrequests/${n}${suffix}`,
 *   missingPull: () => "missing",
 *   whoAmI: () => Promise.resolve("{loom}"),
 * });
 * const listed = await threads.listThreads({ platform: "bitbucket", fullName: "ws/app" }, { number: 7 } as never);
 * assert.deepEqual(listed.map((t) => [t.commentId, t.resolvedBy, t.replies]), [
 *   ["11", "emmap1", [{ author: "emmap1", body: "done" }]],
 * ]);
 * ```
 */
export function bitbucketThreads(
  deps: BitbucketThreadsDeps,
): Pick<GitAdapter, "listThreads" | "resolveThread"> {
  const { api } = deps;

  const loomThreads = async (repo: RepoRef, number: number) => {
    const me = await deps.whoAmI();
    const all = await api.list(
      {
        path: deps.pullPath(repo, number, "/comments"),
        query: { pagelen: 100 },
        notFound: deps.missingPull(repo, number),
      },
      comment,
      threadBudget("Bitbucket"),
    );
    const byId = new Map(all.map((c) => [c.id, c]));
    // The top of a reply's chain; bounded, since a hostile answer could loop.
    const rootOf = (c: Comment) => {
      let at = c;
      for (let i = 0; i < 100 && at.parent?.id !== undefined; i++) {
        const up = byId.get(at.parent.id);
        if (!up) break;
        at = up;
      }
      return at.id;
    };
    const isLoom = (c: Comment) => me !== null && c.user?.uuid === me;
    return all.flatMap((c) => {
      const marked = fingerprintOf(c.content?.raw ?? "");
      if (c.deleted || c.parent || !c.inline || !marked || !isLoom(c)) return [];
      const replies = all.filter((r) =>
        r.id !== c.id && !r.deleted && r.parent && !isLoom(r) && rootOf(r) === c.id
      );
      return [{ c, fingerprint: marked.fingerprint, replies }];
    });
  };

  return {
    async listThreads(repo, pr) {
      return (await loomThreads(repo, pr.number)).map(({ c, fingerprint, replies }) => {
        const by = nameOf(c.resolution?.user);
        const thread: ReviewThread = {
          commentId: String(c.id),
          fingerprint,
          resolved: !!c.resolution,
          ...(by ? { resolvedBy: by } : {}),
          replies: personReplies(
            replies.map((r) => ({ author: nameOf(r.user), body: r.content?.raw })),
            () => false,
          ),
          reactions: [],
        };
        return thread;
      });
    },

    async resolveThread(repo, pr, commentId) {
      const found = (await loomThreads(repo, pr.number)).find(({ c }) =>
        String(c.id) === commentId
      );
      if (!found) return "gone";
      if (found.c.resolution) return "already_resolved";
      const status = await api.send({
        method: "POST",
        path: deps.pullPath(repo, pr.number, `/comments/${found.c.id}/resolve`),
        // 409: someone resolved it meanwhile; 404: deleted meanwhile.
        expect: [404, 409],
      });
      return status === 409 ? "already_resolved" : status === 404 ? "gone" : "resolved";
    },
  };
}

function nameOf(user: z.infer<typeof account>): string | undefined {
  return user?.nickname ?? user?.display_name ?? undefined;
}

const account = z.object({
  uuid: z.string().nullish(),
  nickname: z.string().nullish(),
  display_name: z.string().nullish(),
}).nullish();

const comment = z.object({
  id: z.number().int(),
  content: z.object({ raw: z.string().nullish() }).nullish(),
  deleted: z.boolean().nullish(),
  user: account,
  parent: z.object({ id: z.number().int() }).nullish(),
  inline: z.object({ path: z.string() }).nullish(),
  resolution: z.object({ user: account }).nullish(),
});
type Comment = z.infer<typeof comment>;
