/**
 * What a Bitbucket Cloud webhook delivery means to Loom: a review to run, a closed pull request,
 * a chat command, or a reason to ignore it.
 * @module
 */

import { z } from "zod";
import { comparableHash } from "./_hash.ts";
import { isLoomComment } from "./_markers.ts";
import { chatCommand, checkPayload, readPayload, repoName } from "../_shared/mod.ts";
import { type PlatformEvent, type RepoRef, WebhookPayloadError } from "../../src/platform/mod.ts";

// Only the fields Loom reads: Bitbucket sends much more, and adds fields over time.
const repository = z.object({
  full_name: repoName.pipe(
    z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected workspace/repo_slug"),
  ),
});
const account = z.object({
  display_name: z.string().nullish(),
  nickname: z.string().nullish(),
  account_id: z.string().nullish(),
  uuid: z.string().nullish(),
}).nullish();
const pullRequestId = z.object({ pullrequest: z.object({ id: z.number().int() }), repository });

const pullRequestEvent = z.object({
  repository,
  actor: account,
  pullrequest: z.object({
    id: z.number().int(),
    state: z.string().nullish(),
    draft: z.boolean().nullish(),
    source: z.object({
      commit: z.object({ hash: z.string().regex(/^[0-9a-fA-F]{7,40}$/, "expected a commit hash") }),
    }),
    destination: z.object({ branch: z.object({ name: z.string().min(1) }) }),
  }),
});

const commentEvent = z.object({
  repository,
  pullrequest: z.object({ id: z.number().int() }),
  actor: account,
  comment: z.object({
    content: z.object({ raw: z.string().nullable() }),
    user: account,
  }),
});

/**
 * Parses a verified delivery by its `X-Event-Key`. Throws {@link WebhookPayloadError} naming
 * the field when the body is not JSON or lacks a field Loom needs.
 *
 * `pullrequest:created` asks for a review. `pullrequest:updated` also fires for title,
 * description and reviewer edits and has no flag for new commits: it is reported as a review of
 * its `source.commit.hash`, and intake drops a head that was already reviewed or is being
 * reviewed, so only a new head is reviewed (and a draft marked ready, whose head was skipped).
 * `pullrequest:push` is read the same way. `pullrequest:fulfilled` (merged) and `rejected`
 * (declined) close the pull request. A `pullrequest:comment_created` whose first line is
 * `/loom review` or `/loom help` is a command (`/loom` with anything else asks for help);
 * comments carrying one of Loom's markers are Loom's own and ignored.
 *
 * Heads are reported as Bitbucket's 12-character abbreviation (see `bitbucket_hash.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBitbucketEvent } from "./events.ts";
 *
 * const body = new TextEncoder().encode(JSON.stringify({
 *   repository: { full_name: "ws/app" },
 *   pullrequest: {
 *     id: 7,
 *     state: "OPEN",
 *     source: { commit: { hash: "d3022fc0ca3d5f0e7b2b52b8d1c9e0a6f4c3b2a1" } },
 *     destination: { branch: { name: "main" } },
 *   },
 * }));
 * assert.deepEqual(parseBitbucketEvent("pullrequest:created", body), {
 *   type: "review",
 *   reason: "opened",
 *   repo: { platform: "bitbucket", fullName: "ws/app" },
 *   pr: 7,
 *   headSha: "d3022fc0ca3d", // Bitbucket's 12-character abbreviation
 *   baseRef: "main",
 *   draft: false,
 * });
 * ```
 */
export function parseBitbucketEvent(eventKey: string | null, rawBody: Uint8Array): PlatformEvent {
  if (!eventKey) throw new WebhookPayloadError("the X-Event-Key header is missing");
  const handled = [
    "pullrequest:created",
    "pullrequest:updated",
    "pullrequest:push",
    "pullrequest:fulfilled",
    "pullrequest:rejected",
    "pullrequest:comment_created",
  ];
  if (!handled.includes(eventKey)) {
    return { type: "ignored", reason: `event ${eventKey} is not handled` };
  }
  const body = readPayload(rawBody);

  if (eventKey === "pullrequest:fulfilled" || eventKey === "pullrequest:rejected") {
    const e = checkPayload(pullRequestId, body, eventKey);
    return { type: "closed", repo: repoOf(e), pr: e.pullrequest.id };
  }

  if (eventKey === "pullrequest:comment_created") {
    const e = checkPayload(commentEvent, body, eventKey);
    const text = e.comment.content.raw ?? "";
    if (isLoomComment(text)) return { type: "ignored", reason: "the comment is Loom's own" };
    const command = chatCommand(text);
    if (!command) return { type: "ignored", reason: "the comment is not a /loom command" };
    const who = e.comment.user ?? e.actor;
    return {
      type: "command",
      command,
      repo: repoOf(e),
      pr: e.pullrequest.id,
      author: who?.nickname ?? who?.display_name ?? "",
      // The permissions API is asked by account id (or uuid); a nickname is not unique.
      ...(who?.account_id || who?.uuid ? { authorId: (who.account_id || who.uuid)! } : {}),
    };
  }

  const e = checkPayload(pullRequestEvent, body, eventKey);
  const state = e.pullrequest.state ?? "OPEN";
  if (state !== "OPEN") {
    return { type: "ignored", reason: `the pull request is ${state.toLowerCase()}` };
  }
  return {
    type: "review",
    reason: eventKey === "pullrequest:created" ? "opened" : "new_commits",
    repo: repoOf(e),
    pr: e.pullrequest.id,
    headSha: comparableHash(e.pullrequest.source.commit.hash),
    baseRef: e.pullrequest.destination.branch.name,
    draft: e.pullrequest.draft ?? false,
    ...(e.actor?.nickname || e.actor?.display_name
      ? { actor: (e.actor.nickname || e.actor.display_name)! }
      : {}),
  };
}

function repoOf(e: { repository: { full_name: string } }): RepoRef {
  return { platform: "bitbucket", fullName: e.repository.full_name };
}
