/**
 * What a Gitea or Forgejo webhook delivery means to Loom: a review to run, a closed pull
 * request, a chat command, or a reason to ignore it.
 * @module
 */

import { z } from "zod";
import { chatCommand, checkPayload, isLoomComment, readPayload, repoName } from "../_shared/mod.ts";
import { hasWipPrefix } from "./_wip.ts";
import { type PlatformEvent, type RepoRef, WebhookPayloadError } from "../../src/platform/mod.ts";

// Only the fields Loom reads: the payloads carry much more, and both forks add fields often.
const repository = z.object({ full_name: repoName });
const action = z.object({ action: z.string() });

const pullRequestEvent = z.object({
  number: z.number().int(),
  repository,
  pull_request: z.object({
    title: z.string(),
    head: z.object({ sha: z.string().min(1) }),
    base: z.object({ ref: z.string().min(1) }),
    // Newer versions derive it from the WIP prefix themselves; older ones do not send it.
    draft: z.boolean().optional(),
  }),
  changes: z.object({ title: z.object({ from: z.string() }).nullish() }).nullish(),
  sender: z.object({ login: z.string() }).nullish(),
});

const closedEvent = z.object({ number: z.number().int(), repository });

const commentEvent = z.object({
  repository,
  is_pull: z.boolean().optional(),
  issue: z.object({ number: z.number().int(), pull_request: z.unknown().optional() }),
  comment: z.object({
    body: z.string().nullable(),
    user: z.object({ login: z.string() }),
  }),
});

/** Which header names the delivery's event. */
export interface GiteaEventHeaders {
  /** `X-Gitea-Event-Type` / `X-Forgejo-Event-Type`: `pull_request`, `pull_request_sync`… */
  type: string | null;
  /** `X-Gitea-Event` / `X-Forgejo-Event`: the coarse name, for versions without the fine one. */
  event: string | null;
}

/**
 * Parses a verified delivery by its event type (`X-Gitea-Event-Type`, else the coarse
 * `X-Gitea-Event`). Throws {@link WebhookPayloadError} naming the field when the body is not
 * JSON or lacks a field Loom needs.
 *
 * - `pull_request` opened / reopened, and `pull_request_sync` synchronized (new commits) ask
 *   for a review; `closed` (merged or not) is closed; `edited` is a review only when the title
 *   drops its WIP prefix (draft → ready), since Gitea has no other draft signal.
 * - `pull_request_comment` (or `issue_comment` on a pull request) created with `/loom review`
 *   or `/loom help` on its first line is a command; `/loom` with another word asks for help.
 *   Loom's own comments are ignored, recognised by Loom's hidden marker or by the login of the
 *   token's user (`botLogin`, compared without case as Gitea does).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGiteaEvent } from "./events.ts";
 *
 * const body = new TextEncoder().encode(JSON.stringify({
 *   action: "synchronized",
 *   number: 7,
 *   repository: { full_name: "octo/app" },
 *   pull_request: { title: "Fix", head: { sha: "d3022fc0" }, base: { ref: "main" } },
 * }));
 * assert.deepEqual(parseGiteaEvent({ type: "pull_request_sync", event: "pull_request" }, body), {
 *   type: "review",
 *   reason: "new_commits",
 *   repo: { platform: "gitea", fullName: "octo/app" },
 *   pr: 7,
 *   headSha: "d3022fc0",
 *   baseRef: "main",
 *   draft: false,
 * });
 * ```
 */
export function parseGiteaEvent(
  headers: GiteaEventHeaders,
  rawBody: Uint8Array,
  options: { botLogin?: string | null } = {},
): PlatformEvent {
  const name = headers.type || headers.event;
  if (!name) throw new WebhookPayloadError("the X-Gitea-Event-Type header is missing");
  const isPull = name === "pull_request" || name === "pull_request_sync";
  const isComment = name === "pull_request_comment" || name === "issue_comment";
  if (!isPull && !isComment) return { type: "ignored", reason: `event ${name} is not handled` };
  const body = readPayload(rawBody);
  const { action: verb } = checkPayload(action, body, name);

  if (isPull) {
    if (verb === "closed") {
      const e = checkPayload(closedEvent, body, name);
      return { type: "closed", repo: repoOf(e), pr: e.number };
    }
    if (!["opened", "reopened", "synchronized", "edited"].includes(verb)) {
      return { type: "ignored", reason: `${name} action ${verb} is not handled` };
    }
    const e = checkPayload(pullRequestEvent, body, name);
    const draft = e.pull_request.draft === true || hasWipPrefix(e.pull_request.title);
    let reason: "opened" | "new_commits" | "reopened" | "ready";
    if (verb === "edited") {
      const before = e.changes?.title?.from;
      if (before === undefined || !hasWipPrefix(before) || draft) {
        return {
          type: "ignored",
          reason: `${name} edited is not handled unless the title drops its WIP prefix`,
        };
      }
      reason = "ready";
    } else {
      reason = verb === "synchronized" ? "new_commits" : verb as "opened" | "reopened";
    }
    return {
      type: "review",
      reason,
      repo: repoOf(e),
      pr: e.number,
      headSha: e.pull_request.head.sha,
      baseRef: e.pull_request.base.ref,
      draft,
      ...(e.sender ? { actor: e.sender.login } : {}),
    };
  }

  if (verb !== "created") {
    return { type: "ignored", reason: `${name} action ${verb} is not handled` };
  }
  const e = checkPayload(commentEvent, body, name);
  const onPull = e.is_pull === true ||
    (e.issue.pull_request !== undefined && e.issue.pull_request !== null);
  if (!onPull) return { type: "ignored", reason: "the comment is on an issue, not a pull request" };
  const text = e.comment.body ?? "";
  const login = e.comment.user.login;
  if (
    isLoomComment(text) ||
    (options.botLogin && login.toLowerCase() === options.botLogin.toLowerCase())
  ) {
    return { type: "ignored", reason: "the comment is Loom's own" };
  }
  const command = chatCommand(text);
  if (!command) return { type: "ignored", reason: "the comment is not a /loom command" };
  return { type: "command", command, repo: repoOf(e), pr: e.issue.number, author: login };
}

function repoOf(e: { repository: { full_name: string } }): RepoRef {
  return { platform: "gitea", fullName: e.repository.full_name };
}
