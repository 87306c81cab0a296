/**
 * What an Azure DevOps service hook delivery means to Loom: a review to run, a closed pull
 * request, a chat command, or a reason to ignore it. Azure names the event in the body
 * (`eventType`), not in a header, and identifies each event by the body's `id`.
 * @module
 */

import { z } from "zod";
import { chatCommand, checkPayload, readPayload, repoName } from "../_shared/mod.ts";
import { type PlatformEvent, type RepoRef, WebhookPayloadError } from "../../src/platform/mod.ts";

// Only the fields Loom reads: a payload carries much more, and Azure adds fields over time.
const repository = z.object({
  id: z.string().min(1),
  name: repoName,
  project: z.object({ name: repoName }),
});

const envelope = z.object({ id: z.string().min(1), eventType: z.string().min(1) });

const pullRequestEvent = z.object({
  resource: z.object({
    repository,
    pullRequestId: z.number().int(),
    status: z.string(),
    // Not in Azure's documented samples, though its pull requests have it: absent means not a draft.
    isDraft: z.boolean().optional(),
    targetRefName: z.string().min(1),
    lastMergeSourceCommit: z.object({ commitId: z.string().min(1) }),
  }),
});

const commentEvent = z.object({
  resourceVersion: z.string().optional(),
  resource: z.object({
    comment: z.object({
      content: z.string().nullish(),
      commentType: z.string().nullish(),
      isDeleted: z.boolean().nullish(),
      publishedDate: z.string().nullish(),
      lastContentUpdatedDate: z.string().nullish(),
      author: z.object({
        displayName: z.string().nullish(),
        uniqueName: z.string().nullish(),
        id: z.string().nullish(),
      }).nullish(),
    }),
    pullRequest: z.object({ repository, pullRequestId: z.number().int() }),
  }),
});

const CLOSED_STATUSES = new Set(["completed", "abandoned"]);
// An edit refreshes `lastContentUpdatedDate`; a new comment's differs from `publishedDate` by
// at most the moment it took to store.
const EDIT_TOLERANCE_MS = 1_000;

/** The event's `id`, the key Azure DevOps keeps across redeliveries of one event; null if none. */
export function azureDevopsEventId(rawBody: Uint8Array): string | null {
  try {
    const id = (JSON.parse(new TextDecoder().decode(rawBody)) as { id?: unknown })?.id;
    return typeof id === "string" && id !== "" ? id : null;
  } catch {
    return null;
  }
}

/**
 * Parses a verified delivery by its `eventType`. Throws {@link WebhookPayloadError} naming the
 * field when the body is not JSON or lacks a field Loom needs.
 *
 * - `git.pullrequest.created`: a review of `lastMergeSourceCommit`.
 * - `git.pullrequest.updated`: the payload does not say what changed (a push, a vote, a title),
 *   so a `completed` or `abandoned` status is `closed` and anything else asks for a review of the
 *   head; intake ignores a head already reviewed and one already queued.
 * - `ms.vss-code.git-pullrequest-comment-event` (resource version 2.0): a command when the
 *   comment's first line is `/loom review` or `/loom help` (`/loom` alone or with an unknown word
 *   asks for help). Edited, deleted and system comments are ignored, so that editing an old
 *   command does not run it again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAzureDevopsEvent } from "./events.ts";
 *
 * const repository = { id: "3c4e9f1a", name: "app", project: { name: "Fabrikam" } };
 * const body = new TextEncoder().encode(JSON.stringify({
 *   id: "a1b2c3",
 *   eventType: "git.pullrequest.created",
 *   resource: {
 *     repository,
 *     pullRequestId: 1,
 *     status: "active",
 *     targetRefName: "refs/heads/main",
 *     lastMergeSourceCommit: { commitId: "d3022fc0" },
 *   },
 * }));
 * assert.deepEqual(parseAzureDevopsEvent(body), {
 *   type: "review",
 *   reason: "opened",
 *   repo: { platform: "azure-devops", fullName: "Fabrikam/app", id: "3c4e9f1a" },
 *   pr: 1,
 *   headSha: "d3022fc0",
 *   baseRef: "main",
 *   draft: false,
 * });
 * ```
 */
export function parseAzureDevopsEvent(rawBody: Uint8Array): PlatformEvent {
  const body = readPayload(rawBody);
  const { eventType } = checkPayload(envelope, body, "service hook");

  if (eventType === "git.pullrequest.created" || eventType === "git.pullrequest.updated") {
    const { resource: pr } = checkPayload(pullRequestEvent, body, eventType);
    const repo = repoOf(pr.repository);
    if (CLOSED_STATUSES.has(pr.status)) return { type: "closed", repo, pr: pr.pullRequestId };
    if (eventType === "git.pullrequest.created" && pr.status !== "active") {
      return { type: "ignored", reason: `a pull request created ${pr.status} is not reviewed` };
    }
    return {
      type: "review",
      reason: eventType === "git.pullrequest.created" ? "opened" : "new_commits",
      repo,
      pr: pr.pullRequestId,
      headSha: pr.lastMergeSourceCommit.commitId,
      baseRef: pr.targetRefName.replace(/^refs\/heads\//, ""),
      draft: pr.isDraft ?? false,
    };
  }

  if (eventType === "ms.vss-code.git-pullrequest-comment-event") {
    const version = (body as { resourceVersion?: unknown }).resourceVersion;
    if (typeof version === "string" && !version.startsWith("2.")) {
      throw new WebhookPayloadError(
        `${eventType} payload: resource version ${version} is not supported; set the service ` +
          "hook's resource version to 2.0",
      );
    }
    const { resource } = checkPayload(commentEvent, body, eventType);
    const { comment, pullRequest } = resource;
    if (comment.isDeleted) return { type: "ignored", reason: "the comment was deleted" };
    if (comment.commentType && comment.commentType !== "text") {
      return { type: "ignored", reason: `a ${comment.commentType} comment is not a command` };
    }
    if (edited(comment.publishedDate, comment.lastContentUpdatedDate)) {
      return { type: "ignored", reason: "the comment was edited, not posted" };
    }
    const command = chatCommand(comment.content ?? "");
    if (!command) return { type: "ignored", reason: "the comment is not a /loom command" };
    return {
      type: "command",
      command,
      repo: repoOf(pullRequest.repository),
      pr: pullRequest.pullRequestId,
      author: comment.author?.uniqueName || comment.author?.displayName || "",
      // The identities API is asked by id.
      ...(comment.author?.id ? { authorId: comment.author.id } : {}),
    };
  }

  return { type: "ignored", reason: `event ${eventType} is not handled` };
}

function edited(published?: string | null, contentUpdated?: string | null): boolean {
  if (!published || !contentUpdated) return false;
  const a = Date.parse(published);
  const b = Date.parse(contentUpdated);
  return Number.isFinite(a) && Number.isFinite(b) && b - a > EDIT_TOLERANCE_MS;
}

function repoOf(r: z.infer<typeof repository>): RepoRef {
  return { platform: "azure-devops", fullName: `${r.project.name}/${r.name}`, id: r.id };
}
