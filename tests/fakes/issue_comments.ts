/**
 * The conversation comments of the GitHub-shaped fakes (GitHub, and Gitea, whose API copies
 * GitHub's): what `/issues/{n}/comments` lists, posts, edits and deletes, held the same way in
 * both. How a platform checks a body and shapes its JSON stays in its fake.
 * @module
 */

/** A conversation comment (`/issues/{n}/comments`); `U` is how the platform names its author. */
export interface IssueComment<U> {
  id: number;
  repo: string;
  issue: number;
  body: string;
  user: U;
  createdAt: string;
  updatedAt: string;
}

/** What the store takes from its fake: the fake's ids and clock, and when two repo names match. */
export interface IssueCommentsOptions {
  nextId(): number;
  /** The fake's timestamp, in its platform's format. */
  iso(): string;
  /** Whether two `owner/name` strings are one repository; exact by default. */
  sameRepo?(a: string, b: string): boolean;
}

/** A fake's conversation comments; see {@link issueComments}. */
export interface IssueComments<U> {
  /** Stores `body` as a new comment on `issue` of `repo` by `user`, and returns it. */
  add(repo: string, issue: number, body: string, user: U): IssueComment<U>;
  /** Comment `id` of `repo`, as stored (an edit changes it). */
  find(repo: string, id: number): IssueComment<U> | undefined;
  /** Replaces a stored comment's body, stamping the edit. */
  edit(comment: IssueComment<U>, body: string): void;
  /** Deletes comment `id` of `repo`; false when there was none. */
  remove(repo: string, id: number): boolean;
  /** The comments on `issue` of `repo`, oldest first, as stored. */
  on(repo: string, issue: number): IssueComment<U>[];
}

/** What a test does with a GitHub-shaped fake's conversation: seeds, deletes and reads comments. */
export interface HoldsIssueComments<U> {
  /** Seeds a conversation comment by someone else (a person, by the fake's default). */
  addIssueComment(repo: string, pr: number, body: string, user?: U): IssueComment<U>;
  /** Deletes a conversation comment, as a person might delete Loom's summary. */
  deleteIssueComment(repo: string, id: number): void;
  /** The conversation comments on a pull request, oldest first. */
  comments(repo: string, pr: number): IssueComment<U>[];
}

/** An empty store of conversation comments for one fake. */
export function issueComments<U>(options: IssueCommentsOptions): IssueComments<U> {
  const all: IssueComment<U>[] = [];
  const same = options.sameRepo ?? ((a: string, b: string) => a === b);
  const indexOf = (repo: string, id: number) =>
    all.findIndex((c) => same(c.repo, repo) && c.id === id);
  return {
    add(repo, issue, body, user) {
      const at = options.iso();
      const comment = {
        id: options.nextId(),
        repo,
        issue,
        body,
        user,
        createdAt: at,
        updatedAt: at,
      };
      all.push(comment);
      return comment;
    },
    find: (repo, id) => all[indexOf(repo, id)],
    edit(comment, body) {
      comment.body = body;
      comment.updatedAt = options.iso();
    },
    remove(repo, id) {
      const i = indexOf(repo, id);
      if (i >= 0) all.splice(i, 1);
      return i >= 0;
    },
    on: (repo, issue) => all.filter((c) => same(c.repo, repo) && c.issue === issue),
  };
}
