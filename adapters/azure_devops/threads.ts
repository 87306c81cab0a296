/**
 * The threads of Loom's inline comments on Azure DevOps: pull request threads Loom started with
 * its inline kind and fingerprint in the thread's properties. A thread's `status` is its
 * verdict: `active` and `pending` are open; `fixed`, `closed`, `wontFix` and `byDesign` are
 * resolved (Azure DevOps does not say by whom). Resolving is `PATCH …/threads/{id}`
 * `{status: "fixed"}`. The one reaction Azure DevOps has, a like, is read as `+1`.
 * @module
 */

import { z } from "zod";
import type { AzureDevopsApi } from "./api.ts";
import { MAX_REACTIONS, personReplies, threadBudget } from "../_shared/mod.ts";
import type { GitAdapter, RepoRef, ReviewThread } from "../../src/platform/mod.ts";

/** What {@link azureDevopsThreads} calls Azure DevOps with. */
export interface AzureDevopsThreadsDeps {
  api: AzureDevopsApi;
  /** `…/pullRequests/{number}`. */
  prPath(repo: RepoRef, number: number): string;
  missingPr(repo: RepoRef, number: number): string;
  /** Loom's identity id, lower case. */
  whoAmI(): Promise<string>;
  /** A thread property's value (`loom.kind`, `loom.fingerprint`), as Azure DevOps types them. */
  property(props: Record<string, unknown> | null | undefined, key: string): string | undefined;
  kindProperty: string;
  fingerprintProperty: string;
}

/** The statuses of a thread still open; any other is a verdict. */
const OPEN = new Set(["active", "pending", "unknown"]);

/**
 * `listThreads` and `resolveThread` for the Azure DevOps adapter. Comment ids are
 * `{threadId}/{commentId}`, as `listComments` gives them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isOpenStatus } from "./threads.ts";
 *
 * assert.equal(isOpenStatus("active"), true);
 * assert.equal(isOpenStatus("wontFix"), false);
 * assert.equal(isOpenStatus("byDesign"), false);
 * ```
 */
export function azureDevopsThreads(
  deps: AzureDevopsThreadsDeps,
): Pick<GitAdapter, "listThreads" | "resolveThread"> {
  const { api } = deps;

  const loomThreads = async (repo: RepoRef, number: number) => {
    const me = await deps.whoAmI();
    const call = {
      path: `${deps.prPath(repo, number)}/threads`,
      notFound: deps.missingPr(repo, number),
    };
    const list = await api.read(
      await api.request(call),
      call,
      z.object({ value: z.array(thread) }),
      threadBudget("Azure DevOps"),
    );
    const isLoom = (c: Pick<Comment, "author">) => c.author?.id?.toLowerCase() === me;
    return {
      isLoom,
      ours: list.value.flatMap((t) => {
        const first = (t.comments ?? []).filter((c) => !c.parentCommentId)
          .toSorted((a, b) => a.id - b.id)[0];
        const fingerprint = deps.property(t.properties, deps.fingerprintProperty);
        if (t.isDeleted || !first || first.isDeleted || !isLoom(first)) return [];
        if (deps.property(t.properties, deps.kindProperty) !== "inline" || !fingerprint) return [];
        return [{ t, first, fingerprint, id: `${t.id}/${first.id}` }];
      }),
    };
  };

  return {
    async listThreads(repo, pr) {
      const { isLoom, ours } = await loomThreads(repo, pr.number);
      return ours.map(({ t, first, fingerprint, id }): ReviewThread => ({
        commentId: id,
        fingerprint,
        resolved: !isOpenStatus(t.status),
        replies: personReplies(
          (t.comments ?? []).filter((c) =>
            c.id !== first.id && !c.isDeleted && c.commentType !== "system" && !isLoom(c)
          ).toSorted((a, b) => a.id - b.id).map((c) => ({
            author: nameOf(c.author),
            body: c.content,
          })),
          () => false,
        ),
        reactions: (first.usersLiked ?? []).flatMap((u) => {
          const author = nameOf(u);
          return author && !isLoom({ author: u }) ? [{ author, content: "+1" }] : [];
        }).slice(0, MAX_REACTIONS),
      }));
    },

    async resolveThread(repo, pr, commentId) {
      const { ours } = await loomThreads(repo, pr.number);
      const found = ours.find((o) => o.id === commentId);
      if (!found) return "gone";
      if (!isOpenStatus(found.t.status)) return "already_resolved";
      const status = await api.send({
        method: "PATCH",
        path: `${deps.prPath(repo, pr.number)}/threads/${found.t.id}`,
        body: { status: "fixed" },
        // Deleted between the list and the change.
        expect: [404],
      });
      return status === 404 ? "gone" : "resolved";
    },
  };
}

/** Whether a thread's status leaves it open (`active`, `pending`; `unknown` or none too). */
export function isOpenStatus(status: string | null | undefined): boolean {
  return !status || OPEN.has(status);
}

function nameOf(who: Identity): string | undefined {
  return who?.uniqueName || who?.displayName || undefined;
}

const identity = z.object({
  id: z.string().nullish(),
  uniqueName: z.string().nullish(),
  displayName: z.string().nullish(),
}).nullish();
type Identity = z.infer<typeof identity>;

const comment = z.object({
  id: z.number().int(),
  parentCommentId: z.number().int().nullish(),
  content: z.string().nullish(),
  isDeleted: z.boolean().nullish(),
  commentType: z.string().nullish(),
  author: identity,
  usersLiked: z.array(identity).nullish(),
});
type Comment = z.infer<typeof comment>;

const thread = z.object({
  id: z.number().int(),
  isDeleted: z.boolean().nullish(),
  status: z.string().nullish(),
  comments: z.array(comment).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});
