/**
 * A stateful fake Azure DevOps REST API (the Git pull request calls Loom makes) on a real
 * 127.0.0.1 port, below an organization path as on `https://dev.azure.com/ORG`.
 *
 * It answers the way Azure DevOps does: it wants `api-version` on every call and a personal
 * access token as Basic auth (a wrong one gets Azure's 203 with an HTML sign-in page), computes
 * a pull request's iterations and their changed files (with a per-file `changeTrackingId`,
 * paginated with `$top`/`$skip` and `nextSkip`/`nextTop`, or a continuation token) from the
 * commits it is given, serves file contents at a commit or branch (`items` with a version
 * descriptor), keeps comment threads with their properties, and pull request statuses. It can be
 * told to fail the next calls (429 with `Retry-After`, 5xx, 203) and records every request.
 *
 * Like Azure DevOps it accepts an inline thread anchored anywhere; what Azure would misplace or
 * choke on (a line outside the diff, another file's `changeTrackingId`, a position without an
 * offset, no iteration context) is recorded in {@link FakeAzureDevops.violations} instead, so
 * tests assert that Loom never sent one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeAzureDevops } from "./server.ts";
 *
 * const azure = await startFakeAzureDevops({ token: "pat" });
 * try {
 *   const [base, head] = ["1".repeat(40), "2".repeat(40)];
 *   azure.addCommit("Proj/app", base, { "a.ts": "x\n" });
 *   azure.addCommit("Proj/app", head, { "a.ts": "y\n" });
 *   azure.addPullRequest({ repo: "Proj/app", number: 7, sourceCommit: head, targetCommit: base });
 *   // Loom would be pointed at azure.url; here calls by hand.
 *   const url = `${azure.url}/Proj/_apis/git/repositories/app/pullrequests/7?api-version=7.1`;
 *   const read = (token: string) =>
 *     fetch(url, { headers: { authorization: `Basic ${btoa(`:${token}`)}` } });
 *   const pr = await (await read("pat")).json();
 *   assert.equal(pr.lastMergeSourceCommit.commitId, head);
 *   const refused = await read("wrong"); // Azure's answer to a PAT it does not take
 *   await refused.body?.cancel();
 *   assert.equal(refused.status, 203);
 *   assert.deepEqual(azure.violations, []);
 * } finally {
 *   await azure.close();
 * }
 * ```
 * @module
 */

import { commentableLinesOf, diffFiles } from "../diff_lines.ts";
import { fakeSha as sha } from "../fake_sha.ts";
import { json, text } from "../answers.ts";
import * as kit from "../fake_server.ts";
import { type CommitGraph, createCommitGraph } from "../commit_graph.ts";

/** Something Azure DevOps would accept but get wrong, or a call Loom should not make. */
export interface FakeViolation {
  method: string;
  path: string;
  problem: string;
}

/** An Azure DevOps identity (`IdentityRef`). */
export interface FakeIdentity {
  displayName: string;
  uniqueName: string;
  id: string;
}

/** A repository; see {@link FakeAzureDevops.addRepository}. */
export interface FakeRepositoryInput {
  project: string;
  name: string;
  /** Defaults to a GUID derived from the names. */
  id?: string;
  projectId?: string;
  /** `main` unless given. */
  defaultBranch?: string;
}

/** How a pull request is seeded; its commits must have been added first. */
export interface FakePullRequestInput {
  /** `project/name`; the repository is created when new. */
  repo: string;
  /** Defaults to the repository's next number. */
  number?: number;
  title?: string;
  description?: string;
  author?: FakeIdentity;
  /** `refs/heads/feature` unless given. */
  sourceRef?: string;
  /** `refs/heads/main` unless given. */
  targetRef?: string;
  /** The head commit of the first iteration. */
  sourceCommit: string;
  /** The target branch's tip. */
  targetCommit: string;
  /** The common commit the changes are computed from; `targetCommit` unless given. */
  mergeBase?: string;
  /**
   * The diff git shows for `mergeBase...sourceCommit`: inline threads are checked against its
   * lines, and its renames are reported as renames. Without it, anchors are not checked.
   */
  diff?: string;
  isDraft?: boolean;
  status?: "active" | "abandoned" | "completed";
  /** The names of its labels; none by default. */
  labels?: string[];
}

/** A push to the source branch: a new iteration. */
export interface FakePushInput {
  sourceCommit: string;
  targetCommit?: string;
  mergeBase?: string;
  diff?: string;
}

/** One changed file of an iteration, as Azure lists it. */
export interface FakeChange {
  changeTrackingId: number;
  changeId: number;
  /** Repository-rooted, with a leading `/`. */
  path: string;
  changeType: string;
  originalPath?: string;
}

/** An iteration of a pull request. */
export interface FakeIteration {
  id: number;
  sourceCommit: string;
  targetCommit: string;
  mergeBase: string;
  changes: FakeChange[];
  diff?: string;
}

/** A pull request as the fake holds it. */
export interface FakePullRequest {
  repo: string;
  number: number;
  title: string;
  description: string;
  author: FakeIdentity;
  sourceRef: string;
  targetRef: string;
  status: "active" | "abandoned" | "completed";
  isDraft: boolean;
  /** False while Azure has not computed the merge: the `lastMerge…Commit` fields are absent. */
  mergeComputed: boolean;
  headSha: string;
  iterations: FakeIteration[];
  labels: string[];
}

/** A comment of a thread. */
export interface FakeComment {
  id: number;
  parentCommentId: number;
  content: string;
  author: FakeIdentity;
  commentType: string;
  isDeleted: boolean;
  publishedDate: string;
  lastUpdatedDate: string;
  lastContentUpdatedDate: string;
}

/** A comment thread of a pull request. */
export interface FakeThread {
  id: number;
  status: string;
  comments: FakeComment[];
  // deno-lint-ignore no-explicit-any
  threadContext: any;
  // deno-lint-ignore no-explicit-any
  pullRequestThreadContext: any;
  /** As Azure returns them: `{ key: { $type, $value } }`. */
  properties: Record<string, { $type: string; $value: unknown }>;
  isDeleted: boolean;
  publishedDate: string;
}

/** A pull request status. */
export interface FakeStatus {
  id: number;
  state: string;
  description: string | null;
  targetUrl: string | null;
  context: { name: string; genre: string | null };
  iterationId: number | null;
  createdBy: FakeIdentity;
  creationDate: string;
}

/** Options for {@link startFakeAzureDevops}. */
export interface FakeAzureDevopsOptions {
  /** The organization the URL ends with; `fabrikam` by default. */
  organization?: string;
  /** Calls must carry this PAT as the Basic-auth password; unset, any call passes. */
  token?: string;
  now?: () => number;
  /** Whom Loom posts as (the PAT's owner). */
  botIdentity?: FakeIdentity;
  /** How iteration changes paginate: `skip` (`nextSkip`/`nextTop`, default) or `continuation`. */
  changesPaging?: "skip" | "continuation";
  /** The most changes one page holds, whatever `$top` asks (2000 by default, as on Azure). */
  maxChangesPage?: number;
}

/** A running fake; see {@link startFakeAzureDevops}. `await using` closes it. */
export interface FakeAzureDevops extends kit.FakeApi<kit.FakeFailure> {
  /**
   * The organization URL to give Loom (`LOOM_AZURE_DEVOPS_URL`), no trailing slash. Requests are
   * recorded with their path below it: `/Proj/_apis/git/repositories/app/items`.
   */
  url: string;
  /** What Azure would accept but get wrong; tests assert this stays empty. */
  violations: FakeViolation[];
  /**
   * The commits' history, which `diffs/commits` answers from and whose files `items` serves
   * too: each iteration's merge base, target and source join it from the trees `addCommit` gave
   * (the source a child of the previous iteration's source, else of the merge base).
   */
  commits: CommitGraph;
  /** The identity Loom posts as. */
  bot: FakeIdentity;
  addRepository(input: FakeRepositoryInput): { fullName: string; id: string; projectId: string };
  /**
   * Allows `identity` the bits `allow` on `repo` in the Git Repositories security namespace (4:
   * GenericContribute, push), as `GET /_apis/accesscontrollists/{namespace}` evaluates them with
   * `includeExtendedInfo`; `GET /_apis/identities?identityIds=` then knows the identity.
   */
  grant(repo: string, identity: FakeIdentity, allow: number): void;
  /** An identity the organization knows, with no grant anywhere. */
  addIdentity(identity: FakeIdentity): void;
  /** A commit and its whole tree (path → content). */
  addCommit(repo: string, sha: string, tree: Record<string, string | Uint8Array>): void;
  /** Points a branch (`main`, not `refs/heads/main`) at a commit. */
  setBranch(repo: string, branch: string, sha: string): void;
  addPullRequest(input: FakePullRequestInput): FakePullRequest;
  /** A push to the pull request's source branch: a new iteration with a new head. */
  push(repo: string, number: number, input: FakePushInput): FakeIteration;
  updatePullRequest(
    repo: string,
    number: number,
    changes: Partial<
      Pick<
        FakePullRequest,
        "status" | "isDraft" | "title" | "description" | "mergeComputed" | "labels"
      >
    >,
  ): FakePullRequest;
  pullRequest(repo: string, number: number): FakePullRequest | undefined;
  /** Threads of a pull request, oldest first, deleted ones included. */
  threads(repo: string, number: number): FakeThread[];
  /**
   * A thread started by someone else (a person, by default), with the `properties` its POST
   * could carry (anyone may set any), as `POST …/threads` takes them.
   */
  addThread(
    repo: string,
    number: number,
    content: string,
    author?: FakeIdentity,
    properties?: Record<string, unknown>,
  ): FakeThread;
  /** Deletes a thread's comments, as a person deleting Loom's summary would. */
  deleteThread(repo: string, number: number, threadId: number): void;
  statuses(repo: string, number: number): FakeStatus[];
}

/**
 * Failures Azure DevOps really sends, for {@link FakeAzureDevops.failNext}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { azureFailure, startFakeAzureDevops } from "./server.ts";
 *
 * await using azure = await startFakeAzureDevops();
 * azure.failNext(azureFailure.rateLimited(3), { method: "POST", path: /\/threads$/ });
 * const threads = "/Proj/_apis/git/repositories/app/pullrequests/7/threads";
 * const url = `${azure.url}${threads}?api-version=7.1`;
 * const res = await fetch(url, { method: "POST", body: "{}" });
 * assert.equal(res.status, 429);
 * assert.equal(res.headers.get("retry-after"), "3");
 * assert.match((await res.json()).message, /^TF400733/);
 * ```
 */
export const azureFailure = {
  /** Throttling: 429 with `Retry-After` in seconds and Azure's rate-limit headers. */
  rateLimited(retryAfterSeconds: number): kit.FakeFailure {
    return {
      status: 429,
      headers: {
        "retry-after": String(retryAfterSeconds),
        "x-ratelimit-resource": "ATCPU",
        "x-ratelimit-delay": "0",
        "x-ratelimit-limit": "200",
        "x-ratelimit-remaining": "0",
      },
      body: {
        $id: "1",
        innerException: null,
        message: "TF400733: The request has been canceled: Request was blocked due to exceeding " +
          "usage of resource 'ATCPU' in namespace 'User'.",
        typeName: "Microsoft.TeamFoundation.Framework.Server.RequestBlockedException",
        typeKey: "RequestBlockedException",
        errorCode: 0,
        eventId: 3000,
      },
    };
  },
  /** A 5xx (503 by default). */
  serverError(status = 503): kit.FakeFailure {
    return { status, body: "<html><body>Service Unavailable</body></html>" };
  },
  /** What Azure answers a PAT it does not accept: 203 and an HTML sign-in page. */
  badCredentials(): kit.FakeFailure {
    return { status: 203, body: SIGN_IN_PAGE, headers: { "content-type": "text/html" } };
  },
  /** Any answer. */
  http: kit.httpFailure,
};

const SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title>" +
  "</head><body><p>Sign in to your account</p></body></html>";
const THREAD_STATUSES = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"];
const STATUS_STATES = ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"];
const MAX_COMMENT = 150_000;

interface RepoState {
  project: string;
  projectId: string;
  name: string;
  id: string;
  defaultBranch: string;
  commits: Map<string, Map<string, Uint8Array>>;
  branches: Map<string, string>;
  pulls: Map<number, PullState>;
  /** Allowed bits in the Git Repositories namespace, by identity descriptor. */
  allow: Map<string, number>;
}

interface PullState extends Omit<FakePullRequest, "repo" | "headSha"> {
  repo: RepoState;
  trackingIds: Map<string, number>;
  nextTrackingId: number;
  threads: FakeThread[];
  statuses: FakeStatus[];
  creationDate: string;
}

type Route = kit.HandledRoute;

/**
 * Starts the fake on a free port of 127.0.0.1. Always `close()` it (in a `finally`): an open
 * server fails Deno's resource sanitizer.
 */
export function startFakeAzureDevops(
  options: FakeAzureDevopsOptions = {},
): Promise<FakeAzureDevops> {
  const now = options.now ?? Date.now;
  const organization = options.organization ?? "fabrikam";
  const prefix = `/${organization}`;
  const bot = options.botIdentity ?? {
    displayName: "Loom Review",
    uniqueName: "loom@fabrikam.example",
    id: guid("loom bot"),
  };
  const person: FakeIdentity = {
    displayName: "Jamie Rivera",
    uniqueName: "jamie@fabrikam.example",
    id: guid("jamie"),
  };
  const maxPage = options.maxChangesPage ?? 2000;
  const violations: FakeViolation[] = [];
  const repos = new Map<string, RepoState>();
  const commits = createCommitGraph();
  let nextId = 1;

  const iso = () => new Date(now()).toISOString();
  let base = "";

  const repoState = (fullName: string): RepoState => {
    const repo = repos.get(fullName);
    if (!repo) throw new Error(`the fake has no repository ${fullName}`);
    return repo;
  };
  const pullState = (fullName: string, number: number): PullState => {
    const pull = repoState(fullName).pulls.get(number);
    if (!pull) throw new Error(`the fake has no pull request ${fullName}!${number}`);
    return pull;
  };

  /** Identities the organization knows, by id. */
  const identities = new Map<string, FakeIdentity>();
  const descriptorOf = (i: FakeIdentity) => `Microsoft.TeamFoundation.Identity;S-1-9-${i.id}`;
  const addRepository = (input: FakeRepositoryInput) => {
    const fullName = `${input.project}/${input.name}`;
    let repo = repos.get(fullName);
    if (!repo) {
      repo = {
        project: input.project,
        projectId: input.projectId ?? guid(`project ${input.project}`),
        name: input.name,
        id: input.id ?? guid(`repository ${fullName}`),
        defaultBranch: input.defaultBranch ?? "main",
        commits: new Map(),
        branches: new Map(),
        pulls: new Map(),
        allow: new Map(),
      };
      repos.set(fullName, repo);
    }
    return { fullName, id: repo.id, projectId: repo.projectId };
  };
  const ensureRepo = (fullName: string): RepoState => {
    const slash = fullName.indexOf("/");
    if (slash <= 0) throw new Error(`"${fullName}" is not project/name`);
    addRepository({ project: fullName.slice(0, slash), name: fullName.slice(slash + 1) });
    return repoState(fullName);
  };

  // --- Iterations and their changes, computed from the trees as Azure computes them ------------

  const treeText = (tree: Map<string, Uint8Array>) =>
    Object.fromEntries([...tree].map(([path, bytes]) => [path, new TextDecoder().decode(bytes)]));
  const newIteration = (pull: PullState, input: FakePushInput): FakeIteration => {
    const repo = pull.repo;
    const mergeBase = input.mergeBase ?? input.targetCommit ??
      pull.iterations.at(-1)?.mergeBase ?? "";
    const targetCommit = input.targetCommit ?? pull.iterations.at(-1)?.targetCommit ?? mergeBase;
    const before = repo.commits.get(mergeBase);
    const after = repo.commits.get(input.sourceCommit);
    if (!before) throw new Error(`the fake has no commit ${mergeBase} in ${repo.name}`);
    if (!after) throw new Error(`the fake has no commit ${input.sourceCommit} in ${repo.name}`);
    const previous = pull.iterations.at(-1)?.sourceCommit;
    commits.ensure(mergeBase, undefined, treeText(before));
    const target = repo.commits.get(targetCommit);
    if (target) commits.ensure(targetCommit, mergeBase, treeText(target));
    commits.ensure(
      input.sourceCommit,
      previous !== undefined && commits.has(previous) ? previous : mergeBase,
      treeText(after),
    );

    const added = [...after.keys()].filter((p) => !before.has(p));
    const deleted = [...before.keys()].filter((p) => !after.has(p));
    const renames = new Map<string, string>(); // new path → old path
    if (input.diff !== undefined) {
      for (const f of diffFiles(input.diff)) {
        if (f.status === "renamed" && f.oldPath && f.newPath) renames.set(f.newPath, f.oldPath);
      }
    } else {
      for (const to of added) {
        const from = deleted.find((d) =>
          ![...renames.values()].includes(d) && sameBytes(before.get(d)!, after.get(to)!)
        );
        if (from) renames.set(to, from);
      }
    }
    const renamedFrom = new Set(renames.values());
    const entries: Omit<FakeChange, "changeTrackingId" | "changeId">[] = [];
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(path);
      const next = after.get(path);
      if (renames.has(path)) {
        const from = renames.get(path)!;
        const edited = !sameBytes(before.get(from)!, next!);
        entries.push({
          path: `/${path}`,
          changeType: edited ? "edit, rename" : "rename",
          originalPath: `/${from}`,
        });
      } else if (old && next) {
        if (!sameBytes(old, next)) entries.push({ path: `/${path}`, changeType: "edit" });
      } else if (next) {
        entries.push({ path: `/${path}`, changeType: "add" });
      } else if (!renamedFrom.has(path)) {
        entries.push({ path: `/${path}`, changeType: "delete" });
      }
    }
    entries.sort((a, b) => compare(a.path, b.path));
    // Ids are handed out in the opposite order to the listing, so that a client using a
    // position instead of the file's own id is caught.
    for (const e of entries.toReversed()) {
      if (pull.trackingIds.has(e.path)) continue;
      const inherited = e.originalPath ? pull.trackingIds.get(e.originalPath) : undefined;
      pull.trackingIds.set(e.path, inherited ?? pull.nextTrackingId++);
    }
    const iteration: FakeIteration = {
      id: pull.iterations.length + 1,
      sourceCommit: input.sourceCommit,
      targetCommit,
      mergeBase,
      diff: input.diff,
      changes: entries.map((e, i) => ({
        ...e,
        changeTrackingId: pull.trackingIds.get(e.path)!,
        changeId: i + 1,
      })),
    };
    pull.iterations.push(iteration);
    repo.branches.set(pull.sourceRef.replace(/^refs\/heads\//, ""), input.sourceCommit);
    return iteration;
  };

  // --- JSON as Azure DevOps shapes it ----------------------------------------------------------

  const repoUrl = (r: RepoState) => `${base}/${r.projectId}/_apis/git/repositories/${r.id}`;
  const repoJson = (r: RepoState) => ({
    id: r.id,
    name: r.name,
    url: repoUrl(r),
    project: {
      id: r.projectId,
      name: r.project,
      url: `${base}/_apis/projects/${r.projectId}`,
      state: "wellFormed",
      visibility: "private",
    },
    defaultBranch: `refs/heads/${r.defaultBranch}`,
    remoteUrl: `${base}/${encodeURIComponent(r.project)}/_git/${encodeURIComponent(r.name)}`,
  });
  const identityJson = (i: FakeIdentity) => ({
    displayName: i.displayName,
    url: `${base}/_apis/Identities/${i.id}`,
    id: i.id,
    uniqueName: i.uniqueName,
    imageUrl: `${base}/_api/_common/identityImage?id=${i.id}`,
  });
  const commitJson = (r: RepoState, sha: string) => ({
    commitId: sha,
    url: `${repoUrl(r)}/commits/${sha}`,
  });
  const pullJson = (p: PullState) => {
    const last = p.iterations.at(-1)!;
    return {
      repository: repoJson(p.repo),
      pullRequestId: p.number,
      codeReviewId: p.number,
      status: p.status,
      createdBy: identityJson(p.author),
      creationDate: p.creationDate,
      title: p.title,
      description: p.description,
      sourceRefName: p.sourceRef,
      targetRefName: p.targetRef,
      mergeStatus: p.mergeComputed ? "succeeded" : "queued",
      isDraft: p.isDraft,
      // Left out when there are none, as Azure does.
      ...(p.labels.length > 0
        ? {
          labels: p.labels.map((name) => ({
            id: guid(`label ${name}`),
            name,
            active: true,
            url: `${repoUrl(p.repo)}/labels/${encodeURIComponent(name)}`,
          })),
        }
        : {}),
      mergeId: guid(`merge ${p.repo.id} ${p.number}`),
      ...(p.mergeComputed
        ? {
          lastMergeSourceCommit: commitJson(p.repo, last.sourceCommit),
          lastMergeTargetCommit: commitJson(p.repo, last.targetCommit),
          lastMergeCommit: commitJson(p.repo, sha(`merge ${last.sourceCommit}`)),
        }
        : {}),
      reviewers: [],
      url: `${repoUrl(p.repo)}/pullRequests/${p.number}`,
      supportsIterations: true,
      artifactId: `vstfs:///Git/PullRequestId/${p.repo.projectId}%2f${p.repo.id}%2f${p.number}`,
    };
  };
  const iterationJson = (p: PullState, it: FakeIteration) => ({
    id: it.id,
    description: it.id === 1 ? p.title : "",
    author: identityJson(p.author),
    createdDate: p.creationDate,
    updatedDate: p.creationDate,
    sourceRefCommit: { commitId: it.sourceCommit },
    targetRefCommit: { commitId: it.targetCommit },
    commonRefCommit: { commitId: it.mergeBase },
    hasMoreCommits: false,
    reason: it.id === 1 ? "create" : "push",
    url: `${repoUrl(p.repo)}/pullRequests/${p.number}/iterations/${it.id}`,
  });
  const changeJson = (p: PullState, it: FakeIteration, c: FakeChange) => {
    const tree = p.repo.commits.get(it.sourceCommit)!;
    const content = tree.get(c.path.slice(1));
    return {
      changeTrackingId: c.changeTrackingId,
      changeId: c.changeId,
      item: {
        objectId: content ? blobId(content) : undefined,
        path: c.path,
        gitObjectType: "blob",
        commitId: it.sourceCommit,
        url: `${repoUrl(p.repo)}/items/${
          encodeURI(c.path.slice(1))
        }?versionType=Commit&version=${it.sourceCommit}`,
      },
      changeType: c.changeType,
      ...(c.originalPath ? { originalPath: c.originalPath } : {}),
    };
  };
  const commentJson = (p: PullState, t: FakeThread, c: FakeComment) => ({
    id: c.id,
    parentCommentId: c.parentCommentId,
    author: identityJson(c.author),
    content: c.isDeleted ? undefined : c.content,
    publishedDate: c.publishedDate,
    lastUpdatedDate: c.lastUpdatedDate,
    lastContentUpdatedDate: c.lastContentUpdatedDate,
    isDeleted: c.isDeleted || undefined,
    commentType: c.commentType,
    usersLiked: [],
    _links: {
      self: {
        href: `${repoUrl(p.repo)}/pullRequests/${p.number}/threads/${t.id}/comments/${c.id}`,
      },
    },
  });
  const threadJson = (p: PullState, t: FakeThread) => ({
    pullRequestThreadContext: t.pullRequestThreadContext ?? null,
    id: t.id,
    publishedDate: t.publishedDate,
    lastUpdatedDate: t.comments.at(-1)?.lastUpdatedDate ?? t.publishedDate,
    comments: t.comments.map((c) => commentJson(p, t, c)),
    status: t.status,
    threadContext: t.threadContext ?? null,
    properties: t.properties,
    identities: null,
    isDeleted: t.isDeleted,
    _links: { self: { href: `${repoUrl(p.repo)}/pullRequests/${p.number}/threads/${t.id}` } },
  });
  const statusJson = (s: FakeStatus) => ({
    id: s.id,
    state: s.state,
    description: s.description ?? undefined,
    context: s.context,
    creationDate: s.creationDate,
    updatedDate: s.creationDate,
    createdBy: identityJson(s.createdBy),
    targetUrl: s.targetUrl ?? undefined,
    iterationId: s.iterationId ?? undefined,
  });

  // --- Answers --------------------------------------------------------------------------------

  const error = (status: number, message: string, typeKey: string) =>
    json({
      $id: "1",
      innerException: null,
      message,
      typeName:
        `Microsoft.TeamFoundation.Git.Server.${typeKey}, Microsoft.TeamFoundation.Git.Server`,
      typeKey,
      errorCode: 0,
      eventId: 3000,
    }, status);
  const badRequest = (message: string) => error(400, message, "InvalidArgumentValueException");
  const noRepo = (name: string) =>
    error(
      404,
      `TF401019: The Git repository with name or identifier ${name} does not exist or you do ` +
        "not have permissions for the operation you are attempting.",
      "GitRepositoryNotFoundException",
    );
  const noPull = () =>
    error(
      404,
      "TF401180: The requested pull request was not found.",
      "GitPullRequestNotFoundException",
    );

  const findRepo = (project: string, repo: string): RepoState | undefined => {
    const p = project.toLowerCase();
    const r = repo.toLowerCase();
    return [...repos.values()].find((s) =>
      (s.project.toLowerCase() === p || s.projectId === p) &&
      (s.name.toLowerCase() === r || s.id === r)
    );
  };
  const findPull = (params: string[]) =>
    findRepo(params[0], params[1])?.pulls.get(Number(params[2]));
  /** Azure's envelope for a list: its `value` and their `count`. */
  const collection = (value: unknown[]) => json({ value, count: value.length });
  const onPull = (handle: Parameters<typeof kit.onFound<PullState>>[2]) =>
    kit.onFound(findPull, noPull, handle);
  const violation = (req: kit.RecordedRequest, problem: string) =>
    violations.push({ method: req.method, path: req.path, problem });

  // --- Inline anchors, as Azure would (not) check them ------------------------------------------

  // deno-lint-ignore no-explicit-any
  const checkAnchor = (req: kit.RecordedRequest, pull: PullState, body: any) => {
    const ctx = body.threadContext;
    if (!ctx) return;
    const path = ctx.filePath;
    if (typeof path !== "string" || !path.startsWith("/")) {
      return violation(req, `threadContext.filePath ${JSON.stringify(path)} must start with /`);
    }
    const start = ctx.rightFileStart;
    const end = ctx.rightFileEnd;
    for (const [name, pos] of [["rightFileStart", start], ["rightFileEnd", end]] as const) {
      if (
        !Number.isInteger(pos?.line) || pos.line < 1 || !Number.isInteger(pos?.offset) ||
        pos.offset < 1
      ) {
        return violation(req, `threadContext.${name} needs a line and an offset from 1`);
      }
    }
    if (start.line > end.line) return violation(req, "rightFileStart is after rightFileEnd");
    const prCtx = body.pullRequestThreadContext;
    const iterations = prCtx?.iterationContext;
    if (!prCtx || !iterations) {
      return violation(req, "an inline thread without pullRequestThreadContext.iterationContext");
    }
    const it = pull.iterations.find((i) => i.id === iterations.secondComparingIteration);
    if (
      !it || !(iterations.firstComparingIteration >= 1) ||
      iterations.firstComparingIteration > it.id
    ) {
      return violation(req, `iteration context ${JSON.stringify(iterations)} does not exist`);
    }
    const change = it.changes.find((c) => c.path === path);
    if (!change) return violation(req, `${path} is not changed in iteration ${it.id}`);
    if (prCtx.changeTrackingId !== change.changeTrackingId) {
      return violation(
        req,
        `changeTrackingId ${prCtx.changeTrackingId} is not ${path}'s (${change.changeTrackingId})`,
      );
    }
    if (it.diff === undefined) return;
    const lines = commentableLinesOf(it.diff, path.slice(1));
    for (const line of new Set([start.line, end.line])) {
      if (!lines.has(line)) {
        violation(
          req,
          `line ${line} of ${path} is outside the diff: Azure shows it on an unchanged line`,
        );
      }
    }
  };

  // --- Routes ---------------------------------------------------------------------------------

  const R = "^/([^/]+)/_apis/git/repositories/([^/]+)";
  const PR = `${R}/pullrequests/(\\d+)`;
  const routes: Route[] = [
    {
      // Two-dot with `diffCommonCommit=false`, else from their common commit; paged by
      // `$top` (100 by default) and `$skip`.
      method: "GET",
      pattern: new RegExp(`${R}/diffs/commits$`, "i"),
      handle(_req, params, url) {
        const repo = findRepo(params[0], params[1]);
        if (!repo) return noRepo(params[1]);
        const q = url.searchParams;
        const base = q.get("baseVersion") ?? repo.defaultBranch;
        const target = q.get("targetVersion") ?? repo.defaultBranch;
        for (const v of [base, target]) {
          if (!commits.has(v)) {
            return error(
              404,
              `TF401175:The version descriptor <Commit: ${v}> could not be resolved to a ` +
                `version in the repository ${repo.name}`,
              "GitUnresolvableToCommitException",
            );
          }
        }
        const common = commits.mergeBase(base, target);
        const from = q.get("diffCommonCommit") === "false" ? base : common ?? base;
        const all = commits.changes(from, target).map((c) => ({
          changeType: c.status === "added" ? "add" : c.status === "deleted" ? "delete" : "edit",
          item: {
            objectId: sha(`${target} ${c.path}`),
            gitObjectType: "blob",
            path: `/${c.path}`,
            url: `${repoUrl(repo)}/items/${c.path}`,
          },
        }));
        const top = Number(q.get("$top") ?? 100) || 100;
        const skip = Number(q.get("$skip") ?? 0) || 0;
        const changes = all.slice(skip, skip + top);
        return json({
          allChangesIncluded: skip + changes.length >= all.length,
          changeCounts: {},
          changes,
          commonCommit: common,
          baseCommit: base,
          targetCommit: target,
          aheadCount: commits.between(base, target).length,
          behindCount: commits.between(target, base).length,
        });
      },
    },
    {
      // The organization's connection data: who the token authenticates as, the author of
      // everything Loom posts.
      method: "GET",
      pattern: /^\/_apis\/connectionData$/i,
      handle: () =>
        json({
          authenticatedUser: {
            id: bot.id,
            descriptor: `aad.${bot.id}`,
            providerDisplayName: bot.displayName,
          },
          authorizedUser: {
            id: bot.id,
            descriptor: `aad.${bot.id}`,
            providerDisplayName: bot.displayName,
          },
          instanceId: guid(`instance ${organization}`),
          locationServiceData: { serviceOwner: guid("location service") },
        }),
    },
    {
      method: "GET",
      pattern: /^\/_apis\/identities$/i,
      handle(_req, _params, url) {
        const ids = (url.searchParams.get("identityIds") ?? "").toLowerCase().split(",");
        const name = url.searchParams.get("filterValue")?.toLowerCase();
        const found = [...identities.values()].filter((i) =>
          ids.includes(i.id.toLowerCase()) || i.uniqueName.toLowerCase() === name
        );
        return collection(found.map((i) => ({
          id: i.id,
          descriptor: descriptorOf(i),
          providerDisplayName: i.displayName,
          properties: { Account: { $type: "System.String", $value: i.uniqueName } },
        })));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}$`, "i"),
      handle(_req, params) {
        const repo = findRepo(params[0], params[1]);
        return repo ? json(repoJson(repo)) : noRepo(params[1]);
      },
    },
    {
      method: "GET",
      pattern: /^\/_apis\/accesscontrollists\/([0-9a-f-]+)$/i,
      handle(_req, params, url) {
        if (params[0].toLowerCase() !== "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87") {
          return collection([]);
        }
        const token = url.searchParams.get("token") ?? "";
        const repo = [...repos.values()].find((r) => token === `repoV2/${r.projectId}/${r.id}`);
        if (!repo) return collection([]);
        const descriptors = (url.searchParams.get("descriptors") ?? "").split(",");
        const extended = url.searchParams.get("includeExtendedInfo") === "true";
        const aces: Record<string, unknown> = {};
        for (const d of descriptors) {
          const allow = repo.allow.get(d);
          if (allow === undefined) continue;
          aces[d] = {
            descriptor: d,
            allow,
            deny: 0,
            ...(extended ? { extendedInfo: { effectiveAllow: allow, effectiveDeny: 0 } } : {}),
          };
        }
        return collection([{ inheritPermissions: true, token, acesDictionary: aces }]);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${PR}$`, "i"),
      handle(_req, params) {
        if (!findRepo(params[0], params[1])) return noRepo(params[1]);
        const pull = findPull(params);
        return pull ? json(pullJson(pull)) : noPull();
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${PR}/iterations$`, "i"),
      handle: onPull((_req, pull) =>
        collection(pull.iterations.map((it) => iterationJson(pull, it)))
      ),
    },
    {
      method: "GET",
      pattern: new RegExp(`${PR}/iterations/(\\d+)/changes$`, "i"),
      handle: onPull((req, pull, params, url) => {
        const it = pull.iterations.find((i) => i.id === Number(params[3]));
        if (!it) {
          return error(
            404,
            `TF401178: The requested pull request iteration was not found.`,
            "GitPullRequestIterationNotFoundException",
          );
        }
        const compareTo = url.searchParams.get("$compareTo");
        if (compareTo !== null && compareTo !== "0") {
          violation(
            req,
            `$compareTo=${compareTo}: only the comparison with the merge base is modelled`,
          );
        }
        const top = Math.min(maxPage, Math.max(1, Number(url.searchParams.get("$top")) || 100));
        const all = it.changes.map((c) => changeJson(pull, it, c));
        if (options.changesPaging === "continuation") {
          const from = Number(url.searchParams.get("continuationToken") ?? 0) || 0;
          const page = all.slice(from, from + top);
          const more = from + top < all.length;
          return json(
            { changeEntries: page },
            200,
            more ? { "x-ms-continuationtoken": String(from + top) } : {},
          );
        }
        const skip = Math.max(0, Number(url.searchParams.get("$skip")) || 0);
        const page = all.slice(skip, skip + top);
        const more = skip + top < all.length;
        return json({
          changeEntries: page,
          ...(more ? { nextSkip: skip + top, nextTop: top } : {}),
        });
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`${R}/items$`, "i"),
      handle(req, params, url) {
        const repo = findRepo(params[0], params[1]);
        if (!repo) return noRepo(params[1]);
        const path = (url.searchParams.get("path") ?? "").replace(/^\/+/, "");
        const type = (url.searchParams.get("versionDescriptor.versionType") ?? "branch")
          .toLowerCase();
        const version = url.searchParams.get("versionDescriptor.version") ?? repo.defaultBranch;
        const commit = type === "commit"
          ? (repo.commits.has(version) || commits.has(version) ? version : undefined)
          : type === "branch"
          ? repo.branches.get(version.replace(/^refs\/heads\//, ""))
          : undefined;
        if (!commit) {
          const kind = type === "commit" ? "Commit" : type === "branch" ? "Branch" : "Tag";
          return error(
            404,
            `TF401175:The version descriptor <${kind}: ${version}> could not be resolved to a ` +
              `version in the repository ${repo.name}`,
            "GitUnresolvableToCommitException",
          );
        }
        const graphed = commits.get(commit)?.files[path];
        const content = repo.commits.has(commit)
          ? repo.commits.get(commit)!.get(path)
          : graphed === undefined
          ? undefined
          : new TextEncoder().encode(graphed);
        if (!content) {
          return error(
            404,
            `TF401174: The item '/${path}' could not be found in the repository '${repo.name}' ` +
              `at the version specified by '<${
                type === "commit" ? "Commit" : "Branch"
              }: ${version}>' ` +
              "(resolved to commit '" + commit + "').",
            "GitItemNotFoundException",
          );
        }
        const accept = req.headers["accept"] ?? "";
        if (/octet-stream|text\/plain/i.test(accept)) {
          return new Response(content.slice(), {
            headers: { "content-type": "application/octet-stream" },
          });
        }
        return json({
          objectId: blobId(content),
          gitObjectType: "blob",
          commitId: commit,
          path: `/${path}`,
          url: `${repoUrl(repo)}/items/${encodeURI(path)}?versionType=Commit&version=${commit}`,
          ...(url.searchParams.get("includeContent") === "true"
            ? { content: new TextDecoder().decode(content) }
            : {}),
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`${PR}/threads$`, "i"),
      handle: onPull((_req, pull) => collection(pull.threads.map((t) => threadJson(pull, t)))),
    },
    {
      method: "POST",
      pattern: new RegExp(`${PR}/threads$`, "i"),
      handle: onPull((req, pull) => {
        const body = req.body;
        if (typeof body !== "object" || body === null) {
          return badRequest("The body of the request contains invalid Json.");
        }
        const comments = Array.isArray(body.comments) ? body.comments : [];
        if (comments.length === 0) {
          return badRequest("A new thread must have at least one comment.");
        }
        for (const c of comments) {
          if (typeof c?.content !== "string" || c.content.trim() === "") {
            return badRequest("The comment content cannot be empty.");
          }
          if (c.content.length > MAX_COMMENT) {
            return badRequest(`The comment content exceeds ${MAX_COMMENT} characters.`);
          }
        }
        const status = threadStatus(body.status ?? "active");
        if (!status) {
          return badRequest(`The thread status ${JSON.stringify(body.status)} is not valid.`);
        }
        checkAnchor(req, pull, body);
        const at = iso();
        const thread: FakeThread = {
          id: nextId++,
          status,
          comments: comments.map((c: { content: string; commentType?: unknown }, i: number) => ({
            id: i + 1,
            parentCommentId: i === 0 ? 0 : 1,
            content: c.content,
            author: bot,
            commentType: typeof c.commentType === "string" ? c.commentType : "text",
            isDeleted: false,
            publishedDate: at,
            lastUpdatedDate: at,
            lastContentUpdatedDate: at,
          })),
          threadContext: body.threadContext ?? null,
          pullRequestThreadContext: body.pullRequestThreadContext ?? null,
          properties: {
            "Microsoft.TeamFoundation.Discussion.SupportsMarkdown": {
              $type: "System.Int32",
              $value: 1,
            },
            "Microsoft.TeamFoundation.Discussion.UniqueID": {
              $type: "System.String",
              $value: crypto.randomUUID(),
            },
            ...typedProperties(body.properties),
          },
          isDeleted: false,
          publishedDate: at,
        };
        pull.threads.push(thread);
        return json(threadJson(pull, thread));
      }),
    },
    {
      method: "PATCH",
      pattern: new RegExp(`${PR}/threads/(\\d+)/comments/(\\d+)$`, "i"),
      handle: onPull((req, pull, params) => {
        const thread = pull.threads.find((t) => t.id === Number(params[3]) && !t.isDeleted);
        const comment = thread?.comments.find((c) => c.id === Number(params[4]) && !c.isDeleted);
        if (!thread || !comment) {
          return error(
            404,
            "TF401181: The requested pull request comment was not found.",
            "GitPullRequestCommentNotFoundException",
          );
        }
        if (comment.author.id !== bot.id) {
          return error(
            403,
            "TF401027: You need the Git 'Contribute' permission to perform this action.",
            "GitNeedsPermissionException",
          );
        }
        const content = req.body?.content;
        if (typeof content !== "string" || content.trim() === "") {
          return badRequest("The comment content cannot be empty.");
        }
        comment.content = content;
        comment.lastUpdatedDate = iso();
        comment.lastContentUpdatedDate = comment.lastUpdatedDate;
        return json(commentJson(pull, thread, comment));
      }),
    },
    {
      method: "POST",
      pattern: new RegExp(`${PR}/statuses$`, "i"),
      handle: onPull((req, pull) => {
        const body = req.body ?? {};
        if (!STATUS_STATES.includes(body.state)) {
          return badRequest(`The status state ${JSON.stringify(body.state)} is not valid.`);
        }
        if (typeof body.context?.name !== "string" || body.context.name === "") {
          return badRequest("The status context name cannot be empty.");
        }
        if (
          body.iterationId !== undefined && !pull.iterations.some((i) => i.id === body.iterationId)
        ) {
          return error(
            404,
            "TF401178: The requested pull request iteration was not found.",
            "GitPullRequestIterationNotFoundException",
          );
        }
        const status: FakeStatus = {
          id: pull.statuses.length + 1,
          state: body.state,
          description: typeof body.description === "string" ? body.description : null,
          targetUrl: typeof body.targetUrl === "string" ? body.targetUrl : null,
          context: { name: body.context.name, genre: body.context.genre ?? null },
          iterationId: body.iterationId ?? null,
          createdBy: bot,
          creationDate: iso(),
        };
        pull.statuses.push(status);
        return json(statusJson(status));
      }),
    },
  ];

  // --- Server --------------------------------------------------------------------------------

  const authorized = (req: kit.RecordedRequest): Response | null => {
    const header = req.headers["authorization"] ?? "";
    const m = /^Basic\s+(\S+)$/i.exec(header);
    if (!m) {
      return new Response("Access Denied: authentication is required.", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="https://dev.azure.com/"' },
      });
    }
    if (options.token === undefined) return null;
    let password: string | null = null;
    try {
      const decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)));
      password = decoded.slice(decoded.indexOf(":") + 1);
    } catch { /* not base64 */ }
    if (password !== options.token) {
      return text(SIGN_IN_PAGE, "text/html; charset=utf-8", 203);
    }
    return null;
  };

  const api = kit.serveRoutes({
    prefix,
    routes,
    notFound: () => new Response("Not Found", { status: 404 }),
    failureContentType: (f) =>
      typeof f.body === "string" ? "text/html" : "application/json; charset=utf-8",
    admit(req, url) {
      const refused = authorized(req);
      if (refused) return refused;
      const version = url.searchParams.get("api-version");
      if (!version) {
        return badRequest(
          `No api-version was supplied for the "${req.method}" request. The version "7.1" is ` +
            "recommended.",
        );
      }
      if (version !== "7.1") violation(req, `api-version=${version}, not 7.1`);
      return null;
    },
  });
  base = api.url;

  const snapshot = (p: PullState): FakePullRequest => ({
    repo: `${p.repo.project}/${p.repo.name}`,
    number: p.number,
    title: p.title,
    description: p.description,
    author: p.author,
    sourceRef: p.sourceRef,
    targetRef: p.targetRef,
    status: p.status,
    isDraft: p.isDraft,
    mergeComputed: p.mergeComputed,
    headSha: p.iterations.at(-1)!.sourceCommit,
    iterations: p.iterations.map((i) => ({ ...i, changes: i.changes.map((c) => ({ ...c })) })),
    labels: [...p.labels],
  });

  return Promise.resolve({
    commits,
    ...api,
    violations,
    bot,
    addRepository,
    grant(repo, identity, allow) {
      identities.set(identity.id, identity);
      ensureRepo(repo).allow.set(descriptorOf(identity), allow);
    },
    addIdentity(identity) {
      identities.set(identity.id, identity);
    },
    addCommit(repo, commitSha, tree) {
      const files = new Map<string, Uint8Array>();
      for (const [path, content] of Object.entries(tree)) {
        files.set(path, typeof content === "string" ? new TextEncoder().encode(content) : content);
      }
      ensureRepo(repo).commits.set(commitSha, files);
    },
    setBranch(repo, branch, commitSha) {
      ensureRepo(repo).branches.set(branch.replace(/^refs\/heads\//, ""), commitSha);
    },
    addPullRequest(input) {
      const repo = ensureRepo(input.repo);
      const number = input.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
      const pull: PullState = {
        repo,
        number,
        title: input.title ?? `Pull request ${number}`,
        description: input.description ?? "",
        author: input.author ?? person,
        sourceRef: input.sourceRef ?? "refs/heads/feature",
        targetRef: input.targetRef ?? `refs/heads/${repo.defaultBranch}`,
        status: input.status ?? "active",
        isDraft: input.isDraft ?? false,
        mergeComputed: true,
        iterations: [],
        trackingIds: new Map(),
        nextTrackingId: 1,
        threads: [],
        statuses: [],
        creationDate: iso(),
        labels: [...(input.labels ?? [])],
      };
      const target = pull.targetRef.replace(/^refs\/heads\//, "");
      if (!repo.branches.has(target)) repo.branches.set(target, input.targetCommit);
      newIteration(pull, {
        sourceCommit: input.sourceCommit,
        targetCommit: input.targetCommit,
        mergeBase: input.mergeBase ?? input.targetCommit,
        diff: input.diff,
      });
      repo.pulls.set(number, pull);
      return snapshot(pull);
    },
    push(repo, number, input) {
      const pull = pullState(repo, number);
      const it = newIteration(pull, input);
      return { ...it, changes: it.changes.map((c) => ({ ...c })) };
    },
    updatePullRequest(repo, number, changes) {
      const pull = pullState(repo, number);
      for (const [k, v] of Object.entries(changes)) {
        if (v !== undefined) (pull as unknown as Record<string, unknown>)[k] = v;
      }
      return snapshot(pull);
    },
    pullRequest(repo, number) {
      const pull = repos.get(repo)?.pulls.get(number);
      return pull ? snapshot(pull) : undefined;
    },
    threads: (repo, number) => pullState(repo, number).threads.map((t) => structuredClone(t)),
    addThread(repo, number, content, author = person, properties = {}) {
      const pull = pullState(repo, number);
      const at = iso();
      const thread: FakeThread = {
        id: nextId++,
        status: "active",
        comments: [{
          id: 1,
          parentCommentId: 0,
          content,
          author,
          commentType: "text",
          isDeleted: false,
          publishedDate: at,
          lastUpdatedDate: at,
          lastContentUpdatedDate: at,
        }],
        threadContext: null,
        pullRequestThreadContext: null,
        properties: typedProperties(properties),
        isDeleted: false,
        publishedDate: at,
      };
      pull.threads.push(thread);
      return structuredClone(thread);
    },
    deleteThread(repo, number, threadId) {
      const thread = pullState(repo, number).threads.find((t) => t.id === threadId);
      if (!thread) throw new Error(`the fake has no thread ${threadId}`);
      thread.isDeleted = true;
      for (const c of thread.comments) c.isDeleted = true;
    },
    statuses: (repo, number) => pullState(repo, number).statuses.map((s) => ({ ...s })),
  });
}

/** Properties as Azure stores them: plain values get their `$type`. */
function typedProperties(props: unknown): Record<string, { $type: string; $value: unknown }> {
  const out: Record<string, { $type: string; $value: unknown }> = {};
  if (typeof props !== "object" || props === null) return out;
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === "object" && value !== null && "$value" in value) {
      const v = value as { $type?: unknown; $value: unknown };
      out[key] = {
        $type: typeof v.$type === "string" ? v.$type : typeName(v.$value),
        $value: v.$value,
      };
    } else {
      out[key] = { $type: typeName(value), $value: value };
    }
  }
  return out;
}

function typeName(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? "System.Int32" : "System.Double";
  if (typeof value === "boolean") return "System.Boolean";
  return "System.String";
}

function threadStatus(status: unknown): string | null {
  if (typeof status === "number") return THREAD_STATUSES[status] ?? null;
  if (typeof status !== "string") return null;
  return THREAD_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function blobId(content: Uint8Array): string {
  let label = "";
  for (let i = 0; i < content.length; i += Math.max(1, Math.floor(content.length / 64))) {
    label += content[i].toString(16);
  }
  return sha(`${content.length}:${label}`);
}

/** A stable GUID from a label. */
function guid(label: string): string {
  const h = sha(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${
    h.slice(20, 32)
  }`;
}
