/**
 * Webhook payloads shaped exactly like GitLab's documented examples ("Webhook events": the Merge
 * Request Hook and the Note Hook on a merge request), every documented field present, pointed at
 * the project, merge request and commit a test needs.
 * @module
 */

// deno-lint-ignore no-explicit-any
export type Payload = Record<string, any>;

/** The project a payload is about. */
export interface ExampleProject {
  id: number;
  /** `group/sub/project`. */
  path: string;
}

const INSTANCE = "https://gitlab.example.com";

function projectJson(p: ExampleProject) {
  const name = p.path.split("/").at(-1)!;
  const namespace = p.path.split("/").slice(0, -1).join("/");
  return {
    id: p.id,
    name,
    description: "The application.",
    web_url: `${INSTANCE}/${p.path}`,
    avatar_url: null,
    git_ssh_url: `git@gitlab.example.com:${p.path}.git`,
    git_http_url: `${INSTANCE}/${p.path}.git`,
    namespace,
    visibility_level: 0,
    path_with_namespace: p.path,
    default_branch: "main",
    ci_config_path: "",
    homepage: `${INSTANCE}/${p.path}`,
    url: `git@gitlab.example.com:${p.path}.git`,
    ssh_url: `git@gitlab.example.com:${p.path}.git`,
    http_url: `${INSTANCE}/${p.path}.git`,
  };
}

function repositoryJson(p: ExampleProject) {
  return {
    name: p.path.split("/").at(-1)!,
    url: `${INSTANCE}/${p.path}.git`,
    description: "The application.",
    homepage: `${INSTANCE}/${p.path}`,
  };
}

const USER = {
  id: 2,
  name: "Alice Example",
  username: "alice",
  avatar_url: "https://www.gravatar.com/avatar/0?s=80&d=identicon",
  email: "[REDACTED]",
};

const LABEL = {
  id: 206,
  title: "backend",
  color: "#ffffff",
  project_id: 14,
  created_at: "2026-01-05T10:00:00Z",
  updated_at: "2026-01-05T10:00:00Z",
  template: false,
  description: "Backend work",
  type: "ProjectLabel",
  group_id: 41,
};

function lastCommitJson(p: ExampleProject, sha: string) {
  return {
    id: sha,
    message: "Add user search\n",
    title: "Add user search",
    timestamp: "2026-01-05T10:30:00+00:00",
    url: `${INSTANCE}/${p.path}/-/commit/${sha}`,
    author: { name: "Alice Example", email: "alice@example.com" },
  };
}

/**
 * A `Merge Request Hook` payload. `oldrev` is set for an `update` with new commits (it is the
 * previous head of the source branch); `changes` is what the update changed (for example
 * `{ draft: { previous: true, current: false } }` when the merge request was marked ready).
 */
export function mergeRequestHook(input: {
  action: string;
  project: ExampleProject;
  iid: number;
  headSha: string;
  sourceBranch?: string;
  targetBranch?: string;
  draft?: boolean;
  oldrev?: string;
  changes?: Payload;
  state?: string;
  title?: string;
}): Payload {
  const project = projectJson(input.project);
  const attributes: Payload = {
    id: 99 + input.iid,
    iid: input.iid,
    target_branch: input.targetBranch ?? "main",
    source_branch: input.sourceBranch ?? "feature",
    source_project_id: input.project.id,
    author_id: 2,
    assignee_ids: [6],
    assignee_id: 6,
    reviewer_ids: [6],
    title: input.title ?? "Add user search",
    created_at: "2026-01-05T10:31:00Z",
    updated_at: "2026-01-05T10:31:00Z",
    last_edited_at: null,
    last_edited_by_id: null,
    milestone_id: null,
    state_id: 1,
    state: input.state ?? "opened",
    blocking_discussions_resolved: true,
    work_in_progress: input.draft ?? false,
    draft: input.draft ?? false,
    first_contribution: false,
    merge_status: "unchecked",
    target_project_id: input.project.id,
    description: "Search users by name.",
    prepared_at: "2026-01-05T10:31:02Z",
    total_time_spent: 0,
    time_change: 0,
    human_total_time_spent: null,
    human_time_change: null,
    human_time_estimate: null,
    url: `${INSTANCE}/${input.project.path}/-/merge_requests/${input.iid}`,
    source: project,
    target: project,
    last_commit: lastCommitJson(input.project, input.headSha),
    labels: [LABEL],
    action: input.action,
    detailed_merge_status: "mergeable",
  };
  if (input.oldrev !== undefined) attributes.oldrev = input.oldrev;
  return {
    object_kind: "merge_request",
    event_type: "merge_request",
    user: USER,
    project,
    repository: repositoryJson(input.project),
    object_attributes: attributes,
    labels: [LABEL],
    changes: input.changes ?? {},
    assignees: [{ id: 6, name: "Bob", username: "bob", avatar_url: null }],
    reviewers: [{ id: 6, name: "Bob", username: "bob", avatar_url: null }],
  };
}

/** A `Note Hook` payload for a comment `note` on merge request `iid`. */
export function mergeRequestNoteHook(input: {
  project: ExampleProject;
  iid: number;
  note: string;
  noteId?: number;
  headSha?: string;
  username?: string;
  /** The author's user id; alice's (2) by default. */
  userId?: number;
  action?: string;
  system?: boolean;
}): Payload {
  const project = projectJson(input.project);
  const noteId = input.noteId ?? 1244;
  return {
    ...noteHook({
      project: input.project,
      user: { ...USER, username: input.username ?? USER.username, id: input.userId ?? USER.id },
      attributes: {
        id: noteId,
        note: input.note,
        noteable_type: "MergeRequest",
        noteable_id: 99 + input.iid,
        system: input.system ?? false,
        action: input.action ?? "create",
        url: `${INSTANCE}/${input.project.path}/-/merge_requests/${input.iid}#note_${noteId}`,
      },
    }),
    merge_request: {
      id: 99 + input.iid,
      target_branch: "main",
      source_branch: "feature",
      source_project_id: input.project.id,
      author_id: 2,
      assignee_id: 6,
      title: "Add user search",
      created_at: "2026-01-05 10:31:00 UTC",
      updated_at: "2026-01-05 10:40:00 UTC",
      milestone_id: null,
      state: "opened",
      merge_status: "can_be_merged",
      target_project_id: input.project.id,
      iid: input.iid,
      description: "Search users by name.",
      position: 0,
      labels: [LABEL],
      source: project,
      target: project,
      last_commit: lastCommitJson(input.project, input.headSha ?? "0".repeat(40)),
      work_in_progress: false,
      draft: false,
      assignee: { name: "Bob", username: "bob", avatar_url: null },
      detailed_merge_status: "mergeable",
    },
  };
}

/** A `Note Hook` payload for a comment on an issue, which Loom ignores. */
export function issueNoteHook(input: { project: ExampleProject; note: string }): Payload {
  return {
    ...noteHook({
      project: input.project,
      user: USER,
      attributes: {
        id: 1241,
        note: input.note,
        noteable_type: "Issue",
        noteable_id: 92,
        system: false,
        action: "create",
        url: `${INSTANCE}/${input.project.path}/-/issues/17#note_1241`,
      },
    }),
    issue: {
      id: 92,
      title: "A bug",
      assignee_ids: [],
      assignee_id: null,
      author_id: 2,
      project_id: input.project.id,
      created_at: "2026-01-05 10:00:00 UTC",
      updated_at: "2026-01-05 10:40:00 UTC",
      position: 0,
      branch_name: null,
      description: "It breaks.",
      milestone_id: null,
      state: "opened",
      iid: 17,
      labels: [LABEL],
    },
  };
}

/**
 * What every `Note Hook` carries, on a merge request or an issue: its author, the project, and the
 * note's attributes (`attributes` are the ones that tell the notes apart), in GitLab's key order.
 */
function noteHook(input: {
  project: ExampleProject;
  user: typeof USER;
  attributes: {
    id: number;
    note: string;
    noteable_type: string;
    noteable_id: number;
    system: boolean;
    action: string;
    url: string;
  };
}): Payload {
  const a = input.attributes;
  return {
    object_kind: "note",
    event_type: "note",
    user: input.user,
    project_id: input.project.id,
    project: projectJson(input.project),
    repository: repositoryJson(input.project),
    object_attributes: {
      id: a.id,
      note: a.note,
      noteable_type: a.noteable_type,
      author_id: 2,
      created_at: "2026-01-05 10:40:00 UTC",
      updated_at: "2026-01-05 10:40:00 UTC",
      project_id: input.project.id,
      attachment: null,
      line_code: null,
      commit_id: "",
      noteable_id: a.noteable_id,
      system: a.system,
      st_diff: null,
      action: a.action,
      url: a.url,
    },
  };
}
