/**
 * GitHub's own example webhook payloads (npm `@octokit/webhooks-examples`), for tests and
 * benchmarks that must send what GitHub really sends.
 * @module
 */

// A computed specifier keeps `deno check` from type-checking 4 MB of JSON.
const EXAMPLES = "@octokit/webhooks-examples/" + "api.github.com/index.json";

// deno-lint-ignore no-explicit-any
export type Payload = Record<string, any>;

const catalogue: { name: string; examples: Payload[] }[] =
  (await import(EXAMPLES, { with: { type: "json" } })).default;

/**
 * A deep copy of the first example of `event` with `action`; `withInstallation` picks one sent
 * to a GitHub App (true) or to a repository webhook (false).
 */
export function githubExample(event: string, action: string, withInstallation?: boolean): Payload {
  const found = catalogue.find((e) => e.name === event)?.examples.find((x) =>
    x.action === action &&
    (withInstallation === undefined || (x.installation !== undefined) === withInstallation)
  );
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

/**
 * The `pull_request` example for `action`, pointed at `repo` and pull request `pr` with the given
 * head and base.
 */
export function pullRequestEvent(input: {
  action: string;
  repo: string;
  pr: number;
  headSha: string;
  baseRef?: string;
  draft?: boolean;
  installationId?: number;
}): Payload {
  // Some actions have examples only as sent to an App; the installation is set or removed below.
  const payload = githubExample("pull_request", input.action);
  const [owner, name] = input.repo.split("/");
  payload.number = input.pr;
  payload.repository.full_name = input.repo;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  payload.pull_request.number = input.pr;
  payload.pull_request.head.sha = input.headSha;
  payload.pull_request.base.ref = input.baseRef ?? "main";
  payload.pull_request.draft = input.draft ?? false;
  if (input.installationId !== undefined) payload.installation = { id: input.installationId };
  else delete payload.installation;
  return payload;
}

/** The `issue_comment` created example, as a comment with `body` on pull request `pr`. */
export function pullRequestComment(input: {
  repo: string;
  pr: number;
  body: string;
  user?: { login: string; type: string };
  /** The author's relation to the repository: OWNER (the examples'), COLLABORATOR, NONE… */
  association?: string;
}): Payload {
  const payload = githubExample("issue_comment", "created", false);
  const [owner, name] = input.repo.split("/");
  payload.repository.full_name = input.repo;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  payload.issue.number = input.pr;
  // Every published example is on a plain issue; GitHub marks a pull request's by this key.
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/${input.repo}/pulls/${input.pr}`,
  };
  payload.comment.body = input.body;
  if (input.user) {
    payload.comment.user = { ...payload.comment.user, ...input.user };
    payload.sender = { ...payload.sender, ...input.user };
  }
  if (input.association) payload.comment.author_association = input.association;
  return payload;
}
