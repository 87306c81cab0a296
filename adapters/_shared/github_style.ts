/**
 * What GitHub's REST API and its copy in Gitea and Forgejo serve alike: the pull request, the
 * issue comments that Loom's summary and answers are, and the commit status. Each platform's
 * adapter sets it up with how its calls are addressed and keeps what differs (review comments,
 * drafts, description limits) to itself.
 * @module
 */

import { z } from "zod";
import { editOrPost } from "./edit_or_post.ts";
import { fileText } from "./file_text.ts";
import { markedSummary, replyText, summaryText, withFingerprint } from "./html_markers.ts";
import { repoSegments } from "./repo_path.ts";
import type { RestClient, RestRequest } from "./rest_client.ts";
import type {
  GitAdapter,
  InlineComment,
  PostedComment,
  PullRequest,
  RepoRef,
} from "../../src/platform/mod.ts";

/** How the platform's calls are made; see {@link githubStyle}. */
export interface GithubStyleOptions<R extends RestRequest> {
  /** The platform as messages name it: `GitHub`, `Gitea`. */
  platform: string;
  /** A call to `path` about `repo`, with what the platform's calls carry (GitHub: the repo). */
  call(path: string, repo: RepoRef, extra: Partial<RestRequest>): R;
  /** The query of the list of issue comments (GitHub's page size). */
  listQuery?: Record<string, number>;
  /** Where a file's raw text is served below the repository, and as what it is asked for. */
  rawFile: { route: string; accept: string };
}

/**
 * The calls GitHub and Gitea share, as the port names them (the pull request's draft flag as
 * the platform sets it, the status description as given), the summaries among the pull
 * request's issue comments, and how calls about a repository are addressed.
 */
export interface GithubStyle<R extends RestRequest> extends
  Pick<
    GitAdapter,
    "getPullRequest" | "fetchFile" | "postSummary" | "postComment" | "setStatus" | "canWrite"
  > {
  /**
   * Loom's summaries among the pull request's issue comments: those carrying the marker whose
   * author `isLoom` (by login) says is Loom, since anyone can post the marker.
   */
  summaries(
    repo: RepoRef,
    pr: PullRequest,
    isLoom: (login: string | undefined) => boolean,
  ): Promise<PostedComment[]>;
  /** `/repos/{owner}/{name}`; a permanent PlatformError for a name without two parts. */
  repoPath(fullName: string): string;
  /** A call below the repository's path. */
  repoCall(repo: RepoRef, suffix: string, extra: Partial<RestRequest>): R;
  /** The same for a call about pull request `number`, whose 404 says the pull request is missing. */
  prCall(repo: RepoRef, number: number, suffix: string, extra: Partial<RestRequest>): R;
  /**
   * The call that posts `comments` on `pr.headSha` as one review, each at its platform's
   * `anchor` with its fingerprint marker; `expect` lists the refusals the caller handles.
   */
  reviewCall(
    repo: RepoRef,
    pr: PullRequest,
    comments: { comment: InlineComment; anchor: object }[],
    expect: number[],
  ): R;
}

/** The calls of {@link GithubStyle} made through `api`, as `options` makes them. */
export function githubStyle<R extends RestRequest>(
  api: RestClient<R>,
  options: GithubStyleOptions<R>,
): GithubStyle<R> {
  const repoPath = (fullName: string) => {
    const [owner, name] = repoSegments(fullName, `a ${options.platform} owner/name`);
    return `/repos/${owner}/${name}`;
  };
  const repoCall = (repo: RepoRef, suffix: string, extra: Partial<RestRequest>) =>
    options.call(`${repoPath(repo.fullName)}${suffix}`, repo, extra);
  const prCall = (repo: RepoRef, number: number, suffix: string, extra: Partial<RestRequest>) =>
    repoCall(repo, suffix, {
      notFound: `pull request ${repo.fullName}#${number} not found (or the token cannot see it)`,
      ...extra,
    });
  const comments = (repo: RepoRef, pr: PullRequest, extra: Partial<RestRequest>) =>
    prCall(repo, pr.number, `/issues/${pr.number}/comments`, extra);
  return {
    repoPath,
    repoCall,
    prCall,
    reviewCall: (repo, pr, comments, expect) =>
      prCall(repo, pr.number, `/pulls/${pr.number}/reviews`, {
        method: "POST",
        body: {
          commit_id: pr.headSha,
          // Without `event` the review stays PENDING, visible to nobody but its author.
          event: "COMMENT",
          body: "",
          comments: comments.map(({ comment, anchor }) => ({
            ...anchor,
            body: withFingerprint(comment.body, comment.fingerprint),
          })),
        },
        expect,
      }),
    async getPullRequest(repo, number) {
      const pr = await api.json(prCall(repo, number, `/pulls/${number}`, {}), pullRequest);
      return {
        number: pr.number,
        title: pr.title,
        description: pr.body ?? "",
        headSha: pr.head.sha,
        baseSha: pr.base.sha ?? "",
        headRef: pr.head.ref,
        baseRef: pr.base.ref,
        draft: pr.draft ?? false,
        state: pr.merged || pr.merged_at ? "merged" : pr.state === "open" ? "open" : "closed",
        author: pr.user?.login ?? "",
        ...(pr.labels ? { labels: pr.labels.map((l) => l.name) } : {}),
      };
    },
    async fetchFile(repo, path, ref) {
      const encoded = path.split("/").map(encodeURIComponent).join("/");
      const { route, accept } = options.rawFile;
      return await fileText(
        await api.request(repoCall(repo, `${route}/${encoded}`, {
          query: { ref },
          accept,
          expect: [404],
        })),
      );
    },
    async summaries(repo, pr, isLoom) {
      const all = await api.list(comments(repo, pr, { query: options.listQuery }), issueComment);
      return all.flatMap((c) => (isLoom(c.user?.login) && markedSummary(c)) || []);
    },
    postSummary: (repo, pr, body, existing) =>
      editOrPost(api, {
        edit: existing && repoCall(repo, `/issues/comments/${existing.id}`, {
          method: "PATCH",
          body: { body: summaryText(body) },
        }),
        post: comments(repo, pr, { method: "POST", body: { body: summaryText(body) } }),
      }, body),
    async postComment(repo, pr, body) {
      await api.send(comments(repo, pr, { method: "POST", body: { body: replyText(body) } }));
    },
    async canWrite(repo, user) {
      // Both answer 404 for someone who is not a collaborator (Gitea 403 for some versions).
      const call = repoCall(repo, `/collaborators/${encodeURIComponent(user.name)}/permission`, {
        expect: [403, 404],
      });
      const res = await api.request(call);
      if (!res.ok) {
        await res.body?.cancel();
        return false;
      }
      const { permission } = await api.read(res, call, collaboratorPermission);
      return WRITE_PERMISSIONS.has(permission);
    },
    async setStatus(repo, pr, status) {
      await api.send(repoCall(repo, `/statuses/${encodeURIComponent(pr.headSha)}`, {
        method: "POST",
        body: {
          state: status.state,
          context: "loom",
          description: status.description,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        },
      }));
    },
  };
}

/**
 * The permissions that can push: GitHub's legacy `permission` (admin, write, read, none; maintain
 * is shown as write) and Gitea's (owner, admin, write, read, none).
 */
const WRITE_PERMISSIONS = new Set(["owner", "admin", "maintain", "write"]);
const collaboratorPermission = z.object({ permission: z.string() });

const pullRequest = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.string(),
  merged: z.boolean().nullish(),
  // GitHub only.
  merged_at: z.string().nullish(),
  draft: z.boolean().nullish(),
  user: z.object({ login: z.string() }).nullish(),
  head: z.object({ sha: z.string(), ref: z.string() }),
  // Gitea may leave the base's sha out.
  base: z.object({ sha: z.string().nullish(), ref: z.string() }),
  // Both send every label's name; an answer without the field tells no labels.
  labels: z.array(z.object({ name: z.string() })).nullish(),
});

const author = z.object({ login: z.string() }).nullish();

const issueComment = z.object({ id: z.number(), body: z.string().nullish(), user: author });

/** The fields of a review comment that GitHub and Gitea share; each adds where the comment sits. */
export const reviewCommentJson = z.object({
  id: z.number(),
  body: z.string().nullish(),
  path: z.string().nullish(),
  user: author,
});
