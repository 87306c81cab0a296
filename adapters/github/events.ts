/**
 * What a GitHub webhook delivery means to Loom: a review to run, a closed pull request, a chat
 * command, a ping, or a reason to ignore it.
 * @module
 */

import { z } from "zod";
import { chatCommand, checkPayload, isLoomComment, readPayload, repoName } from "../_shared/mod.ts";
import { type PlatformEvent, type RepoRef, WebhookPayloadError } from "../../src/platform/mod.ts";

const REVIEW_ACTIONS = {
  opened: "opened",
  synchronize: "new_commits",
  reopened: "reopened",
  ready_for_review: "ready",
} as const;

// Only the fields Loom reads: a payload may carry anything else, and GitHub adds fields often.
const repository = z.object({ full_name: repoName });
const installation = z.object({ id: z.number().int() }).nullish();
const action = z.object({ action: z.string() });

const pullRequestEvent = z.object({
  number: z.number().int(),
  repository,
  installation,
  pull_request: z.object({
    head: z.object({ sha: z.string().min(1) }),
    base: z.object({ ref: z.string().min(1) }),
    // Absent in payloads from old GitHub Enterprise Server versions, which had no drafts.
    draft: z.boolean().optional(),
  }),
  sender: z.object({ login: z.string() }).optional(),
});

const closedEvent = z.object({ number: z.number().int(), repository, installation });

const issueCommentEvent = z.object({
  repository,
  installation,
  issue: z.object({ number: z.number().int(), pull_request: z.unknown().optional() }),
  comment: z.object({
    body: z.string().nullable(),
    user: z.object({ login: z.string(), type: z.string().optional() }),
    author_association: z.string().optional(),
  }),
});

/** The author associations that mean write access to the repository. */
const WRITERS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/**
 * Parses a verified delivery by its `X-GitHub-Event` name. Throws {@link WebhookPayloadError}
 * naming the field when the body is not JSON or lacks a field Loom needs.
 *
 * A comment is a command when its first line is `/loom review` or `/loom help` (case and
 * surrounding space ignored); `/loom` alone, or with a word Loom does not know, asks for help,
 * since the author was talking to Loom. Loom's own comments are ignored, recognised by their
 * author (a Bot whose login is `botLogin`) or by Loom's hidden marker, so that an answer can
 * never trigger another.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGithubEvent } from "./events.ts";
 *
 * const delivery = (payload: unknown) => new TextEncoder().encode(JSON.stringify(payload));
 * const opened = delivery({
 *   action: "opened",
 *   number: 7,
 *   repository: { full_name: "octo/app" },
 *   pull_request: { head: { sha: "d3022fc0" }, base: { ref: "main" }, draft: false },
 * });
 * assert.deepEqual(parseGithubEvent("pull_request", opened), {
 *   type: "review",
 *   reason: "opened",
 *   repo: { platform: "github", fullName: "octo/app" },
 *   pr: 7,
 *   headSha: "d3022fc0",
 *   baseRef: "main",
 *   draft: false,
 * });
 *
 * const comment = delivery({
 *   action: "created",
 *   repository: { full_name: "octo/app" },
 *   issue: { number: 7, pull_request: {} },
 *   comment: { body: "/loom review", user: { login: "alice", type: "User" } },
 * });
 * assert.deepEqual(parseGithubEvent("issue_comment", comment, { botLogin: "loom[bot]" }), {
 *   type: "command",
 *   command: "review",
 *   repo: { platform: "github", fullName: "octo/app" },
 *   pr: 7,
 *   author: "alice",
 * });
 * ```
 */
export function parseGithubEvent(
  eventName: string | null,
  rawBody: Uint8Array,
  options: { botLogin?: string } = {},
): PlatformEvent {
  if (!eventName) throw new WebhookPayloadError("the X-GitHub-Event header is missing");
  if (eventName === "ping") return { type: "ping" };
  if (eventName !== "pull_request" && eventName !== "issue_comment") {
    return { type: "ignored", reason: `event ${eventName} is not handled` };
  }
  const body = readPayload(rawBody);
  const { action: verb } = checkPayload(action, body, eventName);

  if (eventName === "pull_request") {
    if (verb === "closed") {
      const e = checkPayload(closedEvent, body, eventName);
      return { type: "closed", repo: repoOf(e), pr: e.number };
    }
    if (!Object.hasOwn(REVIEW_ACTIONS, verb)) {
      return { type: "ignored", reason: `pull_request action ${verb} is not handled` };
    }
    const e = checkPayload(pullRequestEvent, body, eventName);
    return {
      type: "review",
      reason: REVIEW_ACTIONS[verb as keyof typeof REVIEW_ACTIONS],
      repo: repoOf(e),
      pr: e.number,
      headSha: e.pull_request.head.sha,
      baseRef: e.pull_request.base.ref,
      draft: e.pull_request.draft ?? false,
      ...(e.sender ? { actor: e.sender.login } : {}),
    };
  }

  if (verb !== "created") {
    return { type: "ignored", reason: `issue_comment action ${verb} is not handled` };
  }
  const e = checkPayload(issueCommentEvent, body, eventName);
  if (e.issue.pull_request === undefined || e.issue.pull_request === null) {
    return { type: "ignored", reason: "the comment is on an issue, not a pull request" };
  }
  const text = e.comment.body ?? "";
  const { login, type } = e.comment.user;
  if (
    isLoomComment(text) ||
    (type === "Bot" && options.botLogin !== undefined && login === options.botLogin)
  ) {
    return { type: "ignored", reason: "the comment is Loom's own" };
  }
  const command = chatCommand(text);
  if (!command) return { type: "ignored", reason: "the comment is not a /loom command" };
  return {
    type: "command",
    command,
    repo: repoOf(e),
    pr: e.issue.number,
    author: login,
    // Otherwise the job asks the collaborator permission API (an association can lag a grant).
    ...(WRITERS.has(e.comment.author_association ?? "") ? { authorIsWriter: true } : {}),
  };
}

function repoOf(
  e: { repository: { full_name: string }; installation?: { id: number } | null },
): RepoRef {
  const repo: RepoRef = { platform: "github", fullName: e.repository.full_name };
  if (e.installation) repo.installation = String(e.installation.id);
  return repo;
}
