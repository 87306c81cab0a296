/**
 * The threads of Loom's inline comments on GitLab: its diff discussions
 * (`GET …/merge_requests/:iid/discussions`), each opened by Loom's note, with `resolved` and
 * `resolved_by`, people's notes after it as replies, and the emoji awarded on Loom's note
 * (`thumbsdown` read as `-1`). Resolving is `PUT …/discussions/:discussion_id?resolved=true`,
 * which GitLab answers alike for a discussion already resolved.
 * @module
 */

import { z } from "zod";
import type { GitlabApi, GitlabRequest } from "./api.ts";
import { fingerprintOf, MAX_REACTIONS, personReplies, threadBudget } from "../_shared/mod.ts";
import type { GitAdapter, RepoRef, ReviewThread } from "../../src/platform/mod.ts";

/** What {@link gitlabThreads} calls GitLab with. */
export interface GitlabThreadsDeps {
  api: GitlabApi;
  /** A call below the merge request (`/discussions`), whose 404 says the merge request is missing. */
  mrCall(repo: RepoRef, iid: number, suffix: string, extra: Partial<GitlabRequest>): GitlabRequest;
  /** The id of the user the token acts as: only its notes open Loom's threads. */
  whoAmI(): Promise<number>;
}

// GitLab's largest page.
const PAGE_SIZE = 100;

/**
 * `listThreads` and `resolveThread` for the GitLab adapter. A thread is Loom's when its first
 * note is by Loom's user and carries a fingerprint marker; emoji are read only for threads
 * still open (one call each), since a resolved thread is already a verdict.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGitlabApi } from "./api.ts";
 * import { gitlabThreads } from "./threads.ts";
 *
 * // A fake GitLab: one discussion of Loom's, resolved by alice.
 * const fakeFetch: typeof fetch = async () =>
 *   Response.json([{
 *     id: "6a9c1750b37d513a43987b574953fceb50b03ce7",
 *     individual_note: false,
 *     notes: [
 *       { id: 11, body: "Bind it.\n\n<!-- loom:fp:fp-1 -->", author: { id: 9, username: "loom" },
 *         resolvable: true, resolved: true, resolved_by: { id: 2, username: "alice" } },
 *       { id: 12, body: "done", author: { id: 2, username: "alice" } },
 *     ],
 *   }]);
 * const api = createGitlabApi({ url: "https://gitlab.com", fetch: fakeFetch, now: Date.now });
 * const threads = gitlabThreads({
 *   api,
 *   mrCall: (_repo, iid, suffix, extra) => ({ path: `/projects/1/merge_requests/${iid}${suffix}`, ...extra }),
 *   whoAmI: () => Promise.resolve(9),
 * });
 * const listed = await threads.listThreads({ platform: "gitlab", fullName: "g/app" }, { number: 7 } as never);
 * assert.deepEqual(listed, [{
 *   commentId: "11",
 *   fingerprint: "fp-1",
 *   resolved: true,
 *   resolvedBy: "alice",
 *   replies: [{ author: "alice", body: "done" }],
 *   reactions: [],
 * }]);
 * ```
 */
export function gitlabThreads(
  deps: GitlabThreadsDeps,
): Pick<GitAdapter, "listThreads" | "resolveThread"> {
  const { api, mrCall } = deps;

  const loomDiscussions = async (repo: RepoRef, iid: number) => {
    const me = await deps.whoAmI();
    const budget = threadBudget("GitLab");
    const all = await api.list(
      mrCall(repo, iid, "/discussions", { query: { per_page: PAGE_SIZE } }),
      discussion,
      budget,
    );
    return {
      me,
      ours: all.flatMap((d) => {
        const [first, ...rest] = d.notes;
        const marked = first && fingerprintOf(first.body ?? "");
        if (!first || !marked || first.system || first.author?.id !== me) return [];
        return [{ d, first, rest, fingerprint: marked.fingerprint }];
      }),
    };
  };

  return {
    async listThreads(repo, pr) {
      const { me, ours } = await loomDiscussions(repo, pr.number);
      const out: ReviewThread[] = [];
      for (const { first, rest, fingerprint } of ours) {
        const resolved = first.resolved === true;
        const replies = personReplies(
          rest.filter((n) => !n.system && n.author?.id !== me).map((n) => ({
            author: n.author?.username,
            body: n.body,
          })),
          () => false,
        );
        const reactions = resolved ? [] : await emojiOf(repo, pr.number, first.id, me);
        out.push({
          commentId: String(first.id),
          fingerprint,
          resolved,
          ...(resolved && first.resolved_by?.username
            ? { resolvedBy: first.resolved_by.username }
            : {}),
          replies,
          reactions,
        });
      }
      return out;
    },

    async resolveThread(repo, pr, commentId) {
      const { ours } = await loomDiscussions(repo, pr.number);
      const found = ours.find(({ first }) => String(first.id) === commentId);
      if (!found) return "gone";
      if (found.first.resolved) return "already_resolved";
      const status = await api.send(
        mrCall(repo, pr.number, `/discussions/${encodeURIComponent(found.d.id)}`, {
          method: "PUT",
          query: { resolved: "true" },
          // Deleted between the list and the resolve.
          expect: [404],
        }),
      );
      return status === 404 ? "gone" : "resolved";
    },
  };

  async function emojiOf(repo: RepoRef, iid: number, noteId: number, me: number) {
    const awarded = await api.list(
      mrCall(repo, iid, `/notes/${noteId}/award_emoji`, { query: { per_page: PAGE_SIZE } }),
      award,
    );
    return awarded.filter((a) => a.user?.id !== me && a.user?.username).slice(0, MAX_REACTIONS)
      .map((a) => ({ author: a.user!.username!, content: EMOJI_NAMES[a.name] ?? a.name }));
  }
}

/** GitLab's emoji names for the reactions GitHub names `+1` and `-1`. */
const EMOJI_NAMES: Record<string, string> = { thumbsup: "+1", thumbsdown: "-1" };

const user = z.object({ id: z.number(), username: z.string().nullish() }).nullish();

const note = z.object({
  id: z.number(),
  body: z.string().nullish(),
  system: z.boolean().nullish(),
  author: user,
  resolved: z.boolean().nullish(),
  resolved_by: user,
});

const discussion = z.object({ id: z.string(), notes: z.array(note) });

const award = z.object({ name: z.string(), user });
