/**
 * Webhook bodies as Gitea and Forgejo send them (`modules/structs/hook.go`: PullRequestPayload,
 * IssueCommentPayload), with every field a real delivery carries, for tests and benchmarks that
 * must send what the platform really sends. Shaped after deliveries captured from Gitea 1.21
 * (`action: "synchronized"`, `commit_id`, `review`, `requested_reviewer`, the repository and
 * sender objects) and the documented payload types.
 * @module
 */

// deno-lint-ignore no-explicit-any
export type Payload = Record<string, any>;

const HOST = "https://git.example.com";

/**
 * A user as Gitea shows it (`structs.User`), its links below `host`; `active` is false in
 * deliveries, true in API answers.
 */
export function giteaUser(login: string, id: number, host = HOST, active = false): Payload {
  return {
    id,
    login,
    login_name: "",
    source_id: 0,
    full_name: "",
    email: `${login}@noreply.localhost`,
    avatar_url: `${host}/avatars/${login}`,
    html_url: `${host}/${login}`,
    language: "",
    is_admin: false,
    last_login: "0001-01-01T00:00:00Z",
    created: "2024-01-01T00:00:00Z",
    restricted: false,
    active,
    prohibit_login: false,
    location: "",
    website: "",
    description: "",
    visibility: "public",
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
    username: login,
  };
}

function repository(fullName: string): Payload {
  const [owner, name] = fullName.split("/");
  return {
    id: 6,
    owner: giteaUser(owner, 2),
    name,
    full_name: fullName,
    description: "",
    empty: false,
    private: false,
    fork: false,
    template: false,
    parent: null,
    mirror: false,
    size: 27,
    language: "",
    languages_url: `${HOST}/api/v1/repos/${fullName}/languages`,
    html_url: `${HOST}/${fullName}`,
    url: `${HOST}/api/v1/repos/${fullName}`,
    link: "",
    ssh_url: `ssh://git@git.example.com:2222/${fullName}.git`,
    clone_url: `${HOST}/${fullName}.git`,
    original_url: "",
    website: "",
    stars_count: 0,
    forks_count: 0,
    watchers_count: 1,
    open_issues_count: 0,
    open_pr_counter: 1,
    release_counter: 0,
    default_branch: "main",
    archived: false,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-02-22T01:42:03Z",
    archived_at: "1970-01-01T00:00:00Z",
    permissions: { admin: true, push: true, pull: true },
    has_issues: true,
    internal_tracker: {
      enable_time_tracker: true,
      allow_only_contributors_to_track_time: true,
      enable_issue_dependencies: true,
    },
    has_wiki: true,
    has_pull_requests: true,
    has_projects: true,
    has_releases: true,
    has_packages: true,
    has_actions: true,
    ignore_whitespace_conflicts: false,
    allow_merge_commits: true,
    allow_rebase: true,
    allow_rebase_explicit: true,
    allow_squash_merge: true,
    allow_rebase_update: true,
    default_delete_branch_after_merge: false,
    default_merge_style: "merge",
    default_allow_maintainer_edit: false,
    avatar_url: "",
    internal: false,
    mirror_interval: "",
    object_format_name: "sha1",
    mirror_updated: "0001-01-01T00:00:00Z",
    repo_transfer: null,
  };
}

/** What varies between pull request deliveries; the rest is what Gitea always sends. */
export interface PullRequestPayloadInput {
  /** `opened`, `synchronized` (event type `pull_request_sync`), `reopened`, `edited`, `closed`… */
  action: string;
  repo: string;
  pr: number;
  headSha: string;
  baseSha?: string;
  baseRef?: string;
  headRef?: string;
  title?: string;
  author?: string;
  /** `closed` with `merged: true` is a merge. */
  merged?: boolean;
  /** `edited`: what changed, e.g. `{ title: { from: "WIP: Add search" } }`. */
  changes?: Payload;
}

/** What tells one pull request's JSON from another's; see {@link pullRequestJson}. */
export interface PullRequestJsonInput {
  id: number;
  url: string;
  number: number;
  user: Payload;
  title: string;
  body: string;
  state: string;
  draft: boolean;
  comments: number;
  /** The diff's counts, which deliveries carry and the fake's API answers leave out. */
  counts?: { review_comments: number; additions: number; deletions: number; changed_files: number };
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: Payload | null;
  /** A branch tip; `repo` is the repository's JSON, with its `id`. */
  base: { ref: string; sha: string; repo: Payload };
  head: { ref: string; sha: string; repo: Payload };
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/**
 * A pull request as Gitea's JSON has it (`api.PullRequest`), in Gitea's key order: what both a
 * delivery and the fake's API answer carry.
 */
export function pullRequestJson(p: PullRequestJsonInput): Payload {
  const tip = (t: PullRequestJsonInput["base"]) => ({
    label: t.ref,
    ref: t.ref,
    sha: t.sha,
    repo_id: t.repo.id,
    repo: t.repo,
  });
  return {
    id: p.id,
    url: p.url,
    number: p.number,
    user: p.user,
    title: p.title,
    body: p.body,
    labels: [],
    milestone: null,
    assignee: null,
    assignees: null,
    requested_reviewers: null,
    requested_reviewers_teams: null,
    state: p.state,
    draft: p.draft,
    is_locked: false,
    comments: p.comments,
    ...p.counts,
    html_url: p.url,
    diff_url: `${p.url}.diff`,
    patch_url: `${p.url}.patch`,
    mergeable: true,
    merged: p.merged,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    merged_by: p.mergedBy,
    allow_maintainer_edit: false,
    base: tip(p.base),
    head: tip(p.head),
    merge_base: p.base.sha,
    due_date: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    pin_order: 0,
  };
}

/**
 * A PullRequestPayload: `pull_request` and `pull_request_sync` deliveries (and the label,
 * assign, milestone and review-request ones, which Loom ignores).
 */
export function giteaPullRequestPayload(input: PullRequestPayloadInput): Payload {
  const closed = input.action === "closed";
  const author = giteaUser(input.author ?? "alice", 1);
  const url = `${HOST}/${input.repo}/pulls/${input.pr}`;
  const repo = repository(input.repo);
  const title = input.title ?? "Add user search";
  const payload: Payload = {
    action: input.action,
    number: input.pr,
    pull_request: {
      ...pullRequestJson({
        id: 40 + input.pr,
        url,
        number: input.pr,
        user: author,
        title,
        body: "Adds a search by name.",
        state: closed ? "closed" : "open",
        draft: /^(wip:|\[wip\])/i.test(title),
        comments: 0,
        counts: { review_comments: 0, additions: 6, deletions: 0, changed_files: 2 },
        merged: input.merged ?? false,
        mergedAt: input.merged ? "2024-02-22T02:00:00Z" : null,
        mergeCommitSha: input.merged ? "9".repeat(40) : null,
        mergedBy: input.merged ? author : null,
        base: {
          ref: input.baseRef ?? "main",
          sha: input.baseSha ?? "29be01c073851cf0db0c6a466e396b725a670453",
          repo,
        },
        head: { ref: input.headRef ?? "feature", sha: input.headSha, repo },
        createdAt: "2024-02-22T01:38:39Z",
        updatedAt: "2024-02-22T01:42:03Z",
        closedAt: closed ? "2024-02-22T02:00:00Z" : null,
      }),
    },
    requested_reviewer: null,
    repository: repo,
    sender: author,
    commit_id: "",
    review: null,
  };
  if (input.changes) payload.changes = input.changes;
  return payload;
}

/**
 * An IssueCommentPayload for a comment on pull request `pr` (event type
 * `pull_request_comment`, coarse event `issue_comment`, `is_pull: true`).
 */
export function giteaCommentPayload(input: {
  repo: string;
  pr: number;
  body: string;
  /** The commenter's login; `alice` by default. */
  user?: string;
  action?: string;
  /** False: a comment on a plain issue (event type `issue_comment`). */
  isPull?: boolean;
}): Payload {
  const commenter = giteaUser(input.user ?? "alice", 1);
  const isPull = input.isPull ?? true;
  const url = `${HOST}/${input.repo}/${isPull ? "pulls" : "issues"}/${input.pr}`;
  return {
    action: input.action ?? "created",
    issue: {
      id: 40 + input.pr,
      url: `${HOST}/api/v1/repos/${input.repo}/issues/${input.pr}`,
      html_url: url,
      number: input.pr,
      user: giteaUser("alice", 1),
      original_author: "",
      original_author_id: 0,
      title: "Add user search",
      body: "Adds a search by name.",
      ref: "",
      assets: [],
      labels: [],
      milestone: null,
      assignee: null,
      assignees: null,
      state: "open",
      is_locked: false,
      comments: 1,
      created_at: "2024-02-22T01:38:39Z",
      updated_at: "2024-02-22T01:45:00Z",
      closed_at: null,
      due_date: null,
      pull_request: isPull ? { merged: false, merged_at: null, draft: false, html_url: url } : null,
      repository: {
        id: 6,
        name: input.repo.split("/")[1],
        owner: input.repo.split("/")[0],
        full_name: input.repo,
      },
      pin_order: 0,
    },
    comment: {
      id: 1201,
      html_url: `${url}#issuecomment-1201`,
      pull_request_url: isPull ? url : "",
      issue_url: isPull ? "" : url,
      user: commenter,
      original_author: "",
      original_author_id: 0,
      body: input.body,
      assets: [],
      created_at: "2024-02-22T01:45:00Z",
      updated_at: "2024-02-22T01:45:00Z",
    },
    repository: repository(input.repo),
    sender: commenter,
    is_pull: isPull,
  };
}
