/**
 * Which repository an event or a job is about, as every platform names it.
 * @module
 */

/** A repository on a platform. */
export interface RepoRef {
  /** `github`, `gitlab`, `gitea`, `bitbucket` or `azure-devops`. */
  platform: string;
  /** `owner/name` (GitLab: `group/sub/project`; Azure: `project/repo`). */
  fullName: string;
  /** The platform's own id where its API wants one (GitLab project id…). */
  id?: string;
  /**
   * Which installation of Loom on the platform delivered the event (a GitHub App installation
   * id). Set and read only by the adapter; the rest of Loom carries it unchanged.
   */
  installation?: string;
}
