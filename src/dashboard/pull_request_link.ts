/**
 * The web address of a pull request on its platform's public host, for the review page's link.
 * @module
 */

const WEB: Record<string, (repo: string, pr: number) => string> = {
  github: (repo, pr) => `https://github.com/${repo}/pull/${pr}`,
  gitlab: (repo, pr) => `https://gitlab.com/${repo}/-/merge_requests/${pr}`,
  bitbucket: (repo, pr) => `https://bitbucket.org/${repo}/pull-requests/${pr}`,
  "azure-devops": (repo, pr) => {
    // `org/project/repo` on dev.azure.com.
    const [org, project, name] = repo.split("/");
    return `https://dev.azure.com/${org}/${project}/_git/${name}/pullrequest/${pr}`;
  },
};

/**
 * The pull request's address on the platform's public host, or null when the platform has none
 * (Gitea is always self-hosted). Path segments are encoded, so a stored name cannot change the
 * host or add a query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pullRequestLink } from "./pull_request_link.ts";
 *
 * assert.equal(pullRequestLink("github", "acme/app", 7), "https://github.com/acme/app/pull/7");
 * assert.equal(pullRequestLink("gitea", "acme/app", 7), null);
 * ```
 */
export function pullRequestLink(platform: string, repository: string, pr: number): string | null {
  const web = WEB[platform];
  if (!web) return null;
  const safe = repository.split("/").map(encodeURIComponent).join("/");
  return web(safe, pr);
}
