/**
 * What a GitLab webhook delivery means to Loom: a review to run, a closed merge request, a chat
 * command, or a reason to ignore it.
 * @module
 */

import { z } from "zod";
import { chatCommand, checkPayload, isLoomComment, readPayload, repoName } from "../_shared/mod.ts";
import { type PlatformEvent, type RepoRef, WebhookPayloadError } from "../../src/platform/mod.ts";

/** A parsed delivery, and a stable id for it when GitLab sent none. */
export interface GitlabDelivery {
  event: PlatformEvent;
  /**
   * An id made from what the delivery is about — (project, merge request, head, action, reason)
   * or the note's id — so that a delivery retried by a GitLab too old to send `Idempotency-Key`
   * or `X-Gitlab-Event-UUID` is still recognised. Null for ignored and close deliveries.
   */
  derivedId: string | null;
}

// Only the fields Loom reads: a payload carries much more, and GitLab adds fields often.
const project = z.object({ id: z.number().int(), path_with_namespace: repoName });
const kind = z.object({ object_kind: z.string() });

const changed = z.object({ previous: z.unknown(), current: z.unknown() }).nullish();

const mergeRequestEvent = z.object({
  project,
  user: z.object({ username: z.string() }).nullish(),
  object_attributes: z.object({
    iid: z.number().int(),
    action: z.string().nullish(),
    target_branch: z.string().min(1),
    last_commit: z.object({ id: z.string().min(1) }),
    // `work_in_progress` is the deprecated name of `draft`; old instances send only it.
    draft: z.boolean().nullish(),
    work_in_progress: z.boolean().nullish(),
    oldrev: z.string().nullish(),
  }),
  changes: z.object({ draft: changed, work_in_progress: changed }).nullish(),
});

const mergeRequestIid = z.object({
  project,
  object_attributes: z.object({ iid: z.number().int() }),
});

const noteEvent = z.object({
  project,
  user: z.object({ username: z.string(), id: z.number().int().optional() }),
  object_attributes: z.object({
    id: z.number().int(),
    note: z.string().nullable(),
    noteable_type: z.string(),
    system: z.boolean().nullish(),
    // Sent since GitLab 16.11, when edits started to trigger note hooks too.
    action: z.string().nullish(),
  }),
  merge_request: z.object({ iid: z.number().int() }).nullish(),
});

/**
 * Parses a verified delivery by its `X-Gitlab-Event` header (`Merge Request Hook`, `Note Hook`;
 * a `System Hook` or a missing header is read by the body's `object_kind`). Throws
 * {@link WebhookPayloadError} naming the field when the body is not JSON or lacks a field Loom
 * needs.
 *
 * Merge request actions: `open` is opened, `reopen` reopened, `update` with `oldrev` new commits
 * (`oldrev` is the previous head of the source branch, never a base), `update` whose
 * `changes.draft` goes from true to false is ready; `close` and `merge` close; anything else
 * (approvals, title edits…) is ignored. A note on a merge request is a command when its first
 * line is `/loom review` or `/loom help` (`/loom` alone, or with an unknown word, asks for help);
 * Loom's own notes, recognised by their hidden marker, and system notes are ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGitlabEvent } from "./events.ts";
 *
 * const body = new TextEncoder().encode(JSON.stringify({
 *   object_kind: "merge_request",
 *   project: { id: 14, path_with_namespace: "group/app" },
 *   object_attributes: {
 *     iid: 1,
 *     action: "open",
 *     target_branch: "main",
 *     last_commit: { id: "d3022fc0" },
 *     draft: false,
 *   },
 * }));
 * const { event, derivedId } = parseGitlabEvent("Merge Request Hook", body);
 * assert.deepEqual(event, {
 *   type: "review",
 *   reason: "opened",
 *   repo: { platform: "gitlab", fullName: "group/app", id: "14" },
 *   pr: 1,
 *   headSha: "d3022fc0",
 *   baseRef: "main",
 *   draft: false,
 * });
 * assert.equal(typeof derivedId, "string"); // the same for a retry of this delivery
 * assert.equal(parseGitlabEvent("Pipeline Hook", body).event.type, "ignored");
 * ```
 */
export function parseGitlabEvent(eventName: string | null, rawBody: Uint8Array): GitlabDelivery {
  const header = eventName?.trim() || null;
  if (header && !["Merge Request Hook", "Note Hook", "System Hook"].includes(header)) {
    return ignored(`event ${header} is not handled`);
  }
  const body = readPayload(rawBody);
  const { object_kind: objectKind } = checkPayload(kind, body, header ?? "the delivery");
  const expected = header === "Merge Request Hook"
    ? "merge_request"
    : header === "Note Hook"
    ? "note"
    : null;
  if (expected && objectKind !== expected) {
    throw new WebhookPayloadError(`${header} payload: object_kind is ${objectKind}`);
  }
  if (objectKind === "merge_request") return mergeRequest(body);
  if (objectKind === "note") return note(body);
  return ignored(`object_kind ${objectKind} is not handled`);
}

function mergeRequest(body: unknown): GitlabDelivery {
  const what = "merge_request";
  const { object_attributes: { action } } = checkPayload(
    z.object({ object_attributes: z.object({ action: z.string().nullish() }) }),
    body,
    what,
  );
  if (action === "close" || action === "merge") {
    const e = checkPayload(mergeRequestIid, body, what);
    // Closing is idempotent, and a merge request closed, reopened and closed again on one head
    // must cancel twice: no id to dedupe on.
    return {
      event: { type: "closed", repo: repoOf(e.project), pr: e.object_attributes.iid },
      derivedId: null,
    };
  }
  if (action !== "open" && action !== "reopen" && action !== "update") {
    return ignored(`merge_request action ${action ?? "(none)"} is not handled`);
  }
  const e = checkPayload(mergeRequestEvent, body, what);
  const a = e.object_attributes;
  let reason: "opened" | "reopened" | "new_commits" | "ready";
  if (action === "open") reason = "opened";
  else if (action === "reopen") reason = "reopened";
  else if (a.oldrev) reason = "new_commits";
  else if (becameReady(e.changes)) reason = "ready";
  else return ignored("merge_request update without new commits or a draft → ready change");
  const headSha = a.last_commit.id;
  return {
    event: {
      type: "review",
      reason,
      repo: repoOf(e.project),
      pr: a.iid,
      headSha,
      baseRef: a.target_branch,
      draft: a.draft ?? a.work_in_progress ?? false,
      ...(e.user ? { actor: e.user.username } : {}),
    },
    derivedId: `derived:mr:${e.project.id}:${a.iid}:${headSha}:${action}:${reason}`,
  };
}

function becameReady(changes: z.infer<typeof mergeRequestEvent>["changes"]): boolean {
  const c = changes?.draft ?? changes?.work_in_progress;
  return c?.previous === true && c?.current === false;
}

function note(body: unknown): GitlabDelivery {
  const e = checkPayload(noteEvent, body, "note");
  const n = e.object_attributes;
  if (n.noteable_type !== "MergeRequest") {
    return ignored(`the note is not on a merge request (noteable_type ${n.noteable_type})`);
  }
  if (n.action && n.action !== "create") {
    return ignored(`note action ${n.action} is not handled`);
  }
  if (n.system) return ignored("the note is a system note");
  if (!e.merge_request) throw new WebhookPayloadError("note payload: merge_request is missing");
  const text = n.note ?? "";
  if (isLoomComment(text)) return ignored("the note is Loom's own");
  const command = chatCommand(text);
  if (!command) return ignored("the note is not a /loom command");
  return {
    event: {
      type: "command",
      command,
      repo: repoOf(e.project),
      pr: e.merge_request.iid,
      author: e.user.username,
      // The members API is addressed by user id.
      ...(e.user.id !== undefined ? { authorId: String(e.user.id) } : {}),
    },
    derivedId: `derived:note:${e.project.id}:${n.id}`,
  };
}

function ignored(reason: string): GitlabDelivery {
  return { event: { type: "ignored", reason }, derivedId: null };
}

function repoOf(p: { id: number; path_with_namespace: string }): RepoRef {
  return { platform: "gitlab", fullName: p.path_with_namespace, id: String(p.id) };
}
