/**
 * Bitbucket Cloud webhook bodies shaped like the documented event payloads
 * (support.atlassian.com/bitbucket-cloud/docs/event-payloads): `pullrequest:*` bodies carry
 * `actor`, `pullrequest` and `repository`, comment events add `comment`, and each is built from
 * the documented Account, Repository, Pull Request and Comment entities, with the fields real
 * deliveries add (`type`, `draft`, `account_id`, counts). Commit hashes are the 12-character
 * abbreviations Bitbucket sends.
 * @module
 */

/** A webhook body, loosely typed so tests can delete or break any field. */
// deno-lint-ignore no-explicit-any
export type Payload = Record<string, any>;

/** Who a payload names: an author, an actor, a commenter. */
export interface PayloadAccount {
  display_name: string;
  nickname?: string;
  account_id?: string;
  uuid?: string;
}

/** The facts of a pull request a payload carries. */
export interface PayloadPullRequest {
  /** `workspace/repo_slug`. */
  repo: string;
  id: number;
  title?: string;
  description?: string;
  /** `OPEN`, `MERGED`, `DECLINED` or `SUPERSEDED`. */
  state?: string;
  draft?: boolean;
  /** Any length: cut to the 12 characters Bitbucket sends. */
  headHash: string;
  baseHash: string;
  headRef?: string;
  baseRef?: string;
  author?: PayloadAccount;
  /** The account that caused the event; the author by default. */
  actor?: PayloadAccount;
}

const EMMA: PayloadAccount = {
  display_name: "Emma",
  nickname: "emmap1",
  account_id: "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
  uuid: "{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}",
};

/** The documented Account entity. */
export function accountEntity(a: PayloadAccount = EMMA): Payload {
  const uuid = a.uuid ?? `{${crypto.randomUUID()}}`;
  return {
    type: "user",
    display_name: a.display_name,
    nickname: a.nickname ?? a.display_name.toLowerCase().replace(/\s+/g, ""),
    account_id: a.account_id ?? `557058:${crypto.randomUUID()}`,
    uuid,
    links: {
      self: { href: `https://api.bitbucket.org/2.0/users/${encodeURIComponent(uuid)}` },
      html: { href: `https://bitbucket.org/${encodeURIComponent(uuid)}/` },
      avatar: { href: "https://secure.gravatar.com/avatar/0?d=retro" },
    },
  };
}

/** The documented Repository entity for `workspace/repo_slug`. */
export function repositoryEntity(fullName: string): Payload {
  const [workspace, slug] = fullName.split("/");
  return {
    type: "repository",
    full_name: fullName,
    name: slug,
    uuid: "{673a6070-3421-46c9-9d48-90745f7bfe8e}",
    scm: "git",
    is_private: true,
    website: null,
    links: {
      self: { href: `https://api.bitbucket.org/2.0/repositories/${fullName}` },
      html: { href: `https://bitbucket.org/${fullName}` },
      avatar: { href: `https://bytebucket.org/ravatar/%7B673a6070%7D?ts=default` },
    },
    project: { type: "project", key: "PROJ", name: "Project", uuid: "{0d3ae6b9-1d8b-4b0a-b4e7}" },
    owner: {
      type: "team",
      display_name: workspace,
      username: workspace,
      uuid: "{e8c6a4ab-3b59-4cc1-9c6b-6c2a1b0d7d3e}",
    },
  };
}

/** The documented Pull Request entity. */
export function pullRequestEntity(pr: PayloadPullRequest): Payload {
  const author = accountEntity(pr.author);
  const repository = repositoryEntity(pr.repo);
  const endpoint = (branch: string, hash: string) => ({
    branch: { name: branch },
    commit: {
      type: "commit",
      hash: hash.slice(0, 12),
      links: {
        self: {
          href: `https://api.bitbucket.org/2.0/repositories/${pr.repo}/commit/${hash.slice(0, 12)}`,
        },
      },
    },
    repository,
  });
  return {
    type: "pullrequest",
    id: pr.id,
    title: pr.title ?? `Pull request ${pr.id}`,
    description: pr.description ?? "",
    state: pr.state ?? "OPEN",
    draft: pr.draft ?? false,
    author,
    source: endpoint(pr.headRef ?? "feature", pr.headHash),
    destination: endpoint(pr.baseRef ?? "main", pr.baseHash),
    merge_commit: null,
    participants: [],
    reviewers: [],
    close_source_branch: false,
    closed_by: null,
    reason: "",
    comment_count: 0,
    task_count: 0,
    created_on: "2026-01-01T12:00:00.000000+00:00",
    updated_on: "2026-01-01T12:00:00.000000+00:00",
    links: {
      self: { href: `https://api.bitbucket.org/2.0/repositories/${pr.repo}/pullrequests/${pr.id}` },
      html: { href: `https://bitbucket.org/${pr.repo}/pull-requests/${pr.id}` },
    },
  };
}

/**
 * The body of `pullrequest:created`, `updated`, `fulfilled` or `rejected`:
 * `{ actor, pullrequest, repository }`.
 */
export function pullRequestPayload(pr: PayloadPullRequest): Payload {
  return {
    actor: accountEntity(pr.actor ?? pr.author),
    pullrequest: pullRequestEntity(pr),
    repository: repositoryEntity(pr.repo),
  };
}

/**
 * The body of `pullrequest:comment_created`: `{ actor, pullrequest, repository, comment }`,
 * the comment written by `user` (an `inline` one is anchored to a new-side line).
 */
export function commentPayload(
  pr: PayloadPullRequest,
  comment: {
    id?: number;
    raw: string;
    user?: PayloadAccount;
    inline?: { path: string; to: number };
  },
): Payload {
  const id = comment.id ?? 1000 + Math.floor(Math.random() * 1_000_000);
  const user = accountEntity(comment.user ?? pr.actor ?? pr.author);
  return {
    actor: user,
    pullrequest: pullRequestEntity(pr),
    repository: repositoryEntity(pr.repo),
    comment: {
      type: "pullrequest_comment",
      id,
      content: {
        type: "rendered",
        raw: comment.raw,
        markup: "markdown",
        html: `<p>${escapeHtml(comment.raw)}</p>`,
      },
      user,
      deleted: false,
      pending: false,
      ...(comment.inline
        ? { inline: { path: comment.inline.path, from: null, to: comment.inline.to } }
        : {}),
      created_on: "2026-01-01T12:05:00.000000+00:00",
      updated_on: "2026-01-01T12:05:00.000000+00:00",
      links: {
        self: {
          href:
            `https://api.bitbucket.org/2.0/repositories/${pr.repo}/pullrequests/${pr.id}/comments/${id}`,
        },
        html: { href: `https://bitbucket.org/${pr.repo}/pull-requests/${pr.id}#comment-${id}` },
      },
    },
  };
}

/** Bitbucket escapes raw HTML in comments rather than rendering it. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
