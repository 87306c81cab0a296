/**
 * Service hook deliveries as Azure DevOps sends them ("Web Hooks", "Post via HTTP"), with the
 * fields and nesting of the sample payloads Azure documents for `git.pullrequest.created`,
 * `git.pullrequest.updated` and `ms.vss-code.git-pullrequest-comment-event` (resource version
 * 2.0), for tests and benchmarks that must send what Azure really sends.
 * @module
 */

// deno-lint-ignore no-explicit-any
export type Payload = Record<string, any>;

/** An Azure DevOps identity (`IdentityRef`). */
export interface PayloadIdentity {
  displayName: string;
  uniqueName: string;
  id: string;
}

/** The pull request an event is about. */
export interface PullRequestEventInput {
  /** The event's `id`, what Loom dedupes on; a fresh GUID by default. */
  eventId?: string;
  /** `https://dev.azure.com/fabrikam` by default; only used in URLs of the payload. */
  organizationUrl?: string;
  project: string;
  projectId?: string;
  repo: string;
  repoId: string;
  pr: number;
  /** `lastMergeSourceCommit`: the head. */
  headSha: string;
  /** `lastMergeTargetCommit`: the target branch's tip. */
  targetSha?: string;
  sourceRef?: string;
  targetRef?: string;
  status?: "active" | "abandoned" | "completed";
  /** Left out unless given, as in Azure's samples. */
  isDraft?: boolean;
  title?: string;
  description?: string;
  author?: PayloadIdentity;
}

const DEFAULT_AUTHOR: PayloadIdentity = {
  displayName: "Jamie Rivera",
  uniqueName: "jamie@fabrikam.example",
  id: "7f3c2a10-5b1e-4c8d-9a6f-2e4b8c1d0f93",
};

/**
 * A `git.pullrequest.created` delivery.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pullRequestCreatedPayload } from "./payloads.ts";
 *
 * const payload = pullRequestCreatedPayload({
 *   project: "Web",
 *   repo: "app",
 *   repoId: "3c4e9f1a",
 *   pr: 7,
 *   headSha: "d3022fc0",
 * });
 * assert.equal(payload.eventType, "git.pullrequest.created");
 * assert.equal(payload.resource.pullRequestId, 7);
 * assert.equal(payload.resource.lastMergeSourceCommit.commitId, "d3022fc0");
 * assert.equal(payload.resource.repository.project.name, "Web");
 * ```
 */
export function pullRequestCreatedPayload(input: PullRequestEventInput): Payload {
  const who = (input.author ?? DEFAULT_AUTHOR).displayName;
  return envelope(input, "git.pullrequest.created", `${who} created a new pull request`, {
    resource: pullRequestResource(input),
    resourceVersion: "1.0",
  });
}

/**
 * A `git.pullrequest.updated` delivery: a push, a status change (`completed`, `abandoned`), a
 * vote or a reviewer change; the payload does not say which, `message` is the only hint.
 */
export function pullRequestUpdatedPayload(
  input: PullRequestEventInput & { message?: string },
): Payload {
  const who = (input.author ?? DEFAULT_AUTHOR).displayName;
  const message = input.message ??
    (input.status === "completed"
      ? `${who} marked the pull request as completed`
      : input.status === "abandoned"
      ? `${who} abandoned the pull request`
      : `${who} updated the source branch of the pull request`);
  const resource = pullRequestResource(input);
  resource.commits = [commitRef(input, input.headSha)];
  return envelope(input, "git.pullrequest.updated", message, {
    resource,
    resourceVersion: "1.0",
  });
}

/**
 * An `ms.vss-code.git-pullrequest-comment-event` delivery, resource version 2.0: `content` as a
 * new comment by `commenter` (a fresh one: `publishedDate` equals `lastContentUpdatedDate`,
 * unless `edited`).
 */
export function pullRequestCommentPayload(
  input: PullRequestEventInput & {
    content: string;
    commenter?: PayloadIdentity;
    threadId?: number;
    commentId?: number;
    edited?: boolean;
    resourceVersion?: string;
  },
): Payload {
  const commenter = input.commenter ?? DEFAULT_AUTHOR;
  const org = input.organizationUrl ?? "https://dev.azure.com/fabrikam";
  const threadId = input.threadId ?? 5;
  const commentId = input.commentId ?? 1;
  const published = "2026-01-12T09:30:00.1234567Z";
  const updated = input.edited ? "2026-01-12T11:45:10.7654321Z" : published;
  const repoApi = `${org}/_apis/git/repositories/${input.repoId}`;
  const web = `${org}/${encodeURIComponent(input.project)}/_git/${
    encodeURIComponent(input.repo)
  }/pullrequest/${input.pr}?discussionId=${threadId}`;
  const verb = input.edited ? "edited" : "commented on";
  const pullRequest = pullRequestResource(input);
  pullRequest.commits = [commitRef(input, input.headSha)];
  pullRequest._links = {
    web: {
      href: `${org}/${
        encodeURIComponent(input.project)
      }/_git/${input.repo}/pullrequest/${input.pr}#view=discussion`,
    },
    statuses: { href: `${repoApi}/pullRequests/${input.pr}/statuses` },
  };
  return {
    ...envelope(input, "ms.vss-code.git-pullrequest-comment-event", "", {}),
    message: {
      text: `${commenter.displayName} has ${verb} a pull request comment`,
      html: `${commenter.displayName} has <a href="${web}">${verb}</a> a pull request comment`,
      markdown: `${commenter.displayName} has [${verb}](${web}) a pull request comment`,
    },
    detailedMessage: {
      text: `${commenter.displayName} has ${verb} a pull request comment\r\n${input.content}\r\n`,
      html: `${commenter.displayName} has <a href="${web}">${verb}</a> a pull request comment` +
        `<p>${input.content}</p>`,
      markdown: `${commenter.displayName} has [${verb}](${web}) a pull request comment\r\n` +
        `${input.content}\r\n`,
    },
    resource: {
      comment: {
        id: commentId,
        parentCommentId: commentId === 1 ? 0 : 1,
        author: identity(org, commenter),
        content: input.content,
        publishedDate: published,
        lastUpdatedDate: updated,
        lastContentUpdatedDate: updated,
        commentType: "text",
        _links: {
          self: {
            href: `${repoApi}/pullRequests/${input.pr}/threads/${threadId}/comments/${commentId}`,
          },
          repository: { href: repoApi },
          threads: { href: `${repoApi}/pullRequests/${input.pr}/threads/${threadId}` },
        },
      },
      pullRequest,
    },
    resourceVersion: input.resourceVersion ?? "2.0",
  };
}

/**
 * The HTTP request Azure DevOps makes for a service hook with Basic authentication: the JSON
 * body and `Authorization: Basic base64(user:password)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { azureDevopsWebhook } from "./payloads.ts";
 *
 * const d = azureDevopsWebhook({ username: "loom", password: "s3cret", payload: { id: "e1" } });
 * assert.equal(d.headers["authorization"], `Basic ${btoa("loom:s3cret")}`);
 * assert.equal(d.body, '{"id":"e1"}');
 * // To deliver it: POST d.body with d.headers to Loom's /webhooks/azure-devops.
 * ```
 */
export function azureDevopsWebhook(input: {
  username?: string;
  password?: string;
  payload: unknown;
}): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (input.username !== undefined || input.password !== undefined) {
    const bytes = new TextEncoder().encode(`${input.username ?? ""}:${input.password ?? ""}`);
    headers["authorization"] = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }
  return { headers, body: JSON.stringify(input.payload) };
}

function envelope(input: PullRequestEventInput, eventType: string, text: string, rest: Payload) {
  const org = input.organizationUrl ?? "https://dev.azure.com/fabrikam";
  const projectId = input.projectId ?? "3b0e9c51-2f6a-4d7e-8c19-5a4f0b7d2e68";
  return {
    subscriptionId: "c4a8e2f7-1d3b-4e95-a6c0-8f2d7b9e1a54",
    notificationId: 17,
    id: input.eventId ?? crypto.randomUUID(),
    eventType,
    publisherId: "tfs",
    scope: "all",
    message: { text, html: text, markdown: text },
    detailedMessage: {
      text: `${text}\r\n\r\n- Merge status: Succeeded\r\n`,
      html: `${text}\r\n<ul>\r\n<li>Merge status: Succeeded</li>\r\n</ul>`,
      markdown: `${text}\r\n\r\n+ Merge status: Succeeded\r\n`,
    },
    ...rest,
    resourceContainers: {
      collection: { id: "e1d7c3b5-9a2f-4c68-b4e0-6f1a3d8c2b97", baseUrl: `${org}/` },
      account: { id: "a9c5e1f3-7b2d-4a86-9e40-2c6f8b1d5a73", baseUrl: `${org}/` },
      project: { id: projectId, baseUrl: `${org}/` },
    },
    createdDate: "2026-01-12T09:30:01.2345678Z",
  };
}

function pullRequestResource(input: PullRequestEventInput): Payload {
  const org = input.organizationUrl ?? "https://dev.azure.com/fabrikam";
  const projectId = input.projectId ?? "3b0e9c51-2f6a-4d7e-8c19-5a4f0b7d2e68";
  const repoApi = `${org}/_apis/git/repositories/${input.repoId}`;
  const author = input.author ?? DEFAULT_AUTHOR;
  const target = input.targetSha ?? "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";
  const status = input.status ?? "active";
  return {
    repository: {
      id: input.repoId,
      name: input.repo,
      url: repoApi,
      project: {
        id: projectId,
        name: input.project,
        url: `${org}/_apis/projects/${projectId}`,
        state: "wellFormed",
      },
      defaultBranch: "refs/heads/main",
      remoteUrl: `${org}/${encodeURIComponent(input.project)}/_git/${
        encodeURIComponent(input.repo)
      }`,
    },
    pullRequestId: input.pr,
    status,
    createdBy: identity(org, author),
    creationDate: "2026-01-12T09:12:44.5678901Z",
    ...(status === "active" ? {} : { closedDate: "2026-01-13T16:02:11.1234567Z" }),
    title: input.title ?? "Add user search",
    description: input.description ?? "Search users by name.",
    sourceRefName: input.sourceRef ?? "refs/heads/feature",
    targetRefName: input.targetRef ?? "refs/heads/main",
    ...(input.isDraft === undefined ? {} : { isDraft: input.isDraft }),
    mergeStatus: "succeeded",
    mergeId: "5d9f1b3e-7a2c-4e86-b0d4-1c7e9a3f5b28",
    lastMergeSourceCommit: commitRef(input, input.headSha),
    lastMergeTargetCommit: commitRef(input, target),
    lastMergeCommit: commitRef(input, "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d"),
    reviewers: [{
      reviewerUrl: null,
      vote: 0,
      id: "2d6b0f48-3c1e-4a97-8e52-b7f3a9c1d064",
      displayName: `[${input.project}]\\${input.project} Team`,
      uniqueName: `vstfs:///Classification/TeamProject/${projectId}\\${input.project} Team`,
      url: `${org}/_apis/Identities/2d6b0f48-3c1e-4a97-8e52-b7f3a9c1d064`,
      imageUrl: `${org}/_api/_common/identityImage?id=2d6b0f48-3c1e-4a97-8e52-b7f3a9c1d064`,
      isContainer: true,
    }],
    url: `${repoApi}/pullRequests/${input.pr}`,
  };
}

function commitRef(input: PullRequestEventInput, sha: string) {
  const org = input.organizationUrl ?? "https://dev.azure.com/fabrikam";
  return { commitId: sha, url: `${org}/_apis/git/repositories/${input.repoId}/commits/${sha}` };
}

function identity(org: string, who: PayloadIdentity) {
  return {
    displayName: who.displayName,
    url: `${org}/_apis/Identities/${who.id}`,
    id: who.id,
    uniqueName: who.uniqueName,
    imageUrl: `${org}/_api/_common/identityImage?id=${who.id}`,
  };
}
