/**
 * Whether a person may push to an Azure DevOps repository, for `LOOM_COMMANDS_FROM=writers`:
 * their effective `GenericContribute` bit on the repository in the Git Repositories security
 * namespace, as the access control lists API evaluates it (their own grants, their groups' and
 * what the project inherits). It needs a token that may read the repository's security
 * (`vso.security_manage`, or a project administrator's); without it the call fails and no
 * command is obeyed.
 * @module
 */
import { z } from "zod";
import type { CommandAuthor, RepoRef } from "../../src/platform/mod.ts";
import { repoSegments } from "../_shared/mod.ts";
import type { AzureDevopsApi } from "./api.ts";

/** The Git Repositories security namespace. */
export const GIT_REPOSITORIES_NAMESPACE = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";
/** Its `GenericContribute` bit: push to the repository. */
export const GENERIC_CONTRIBUTE = 4;

const identities = z.object({ value: z.array(z.object({ descriptor: z.string() })) });
const repository = z.object({ id: z.string(), project: z.object({ id: z.string() }) });
const acls = z.object({
  value: z.array(z.object({
    acesDictionary: z.record(
      z.string(),
      z.object({ extendedInfo: z.object({ effectiveAllow: z.number().optional() }).optional() }),
    ),
  })),
});

/** See the module doc: `user.id` is the comment author's identity id, else the unique name. */
export async function azureCanWrite(
  api: AzureDevopsApi,
  repo: RepoRef,
  user: CommandAuthor,
): Promise<boolean> {
  const [project, name] = repoSegments(repo.fullName, "an Azure DevOps project/repository");
  const found = await api.json(
    {
      path: "/_apis/identities",
      query: user.id !== undefined
        ? { identityIds: user.id }
        : { searchFilter: "General", filterValue: user.name },
    },
    identities,
  );
  const descriptor = found.value[0]?.descriptor;
  if (!descriptor) return false;
  const r = await api.json(
    { path: `/${project}/_apis/git/repositories/${encodeURIComponent(repo.id ?? name)}` },
    repository,
  );
  const list = await api.json(
    {
      path: `/_apis/accesscontrollists/${GIT_REPOSITORIES_NAMESPACE}`,
      query: {
        token: `repoV2/${r.project.id}/${r.id}`,
        descriptors: descriptor,
        includeExtendedInfo: "true",
      },
    },
    acls,
  );
  return list.value.some((acl) =>
    Object.values(acl.acesDictionary).some((ace) =>
      ((ace.extendedInfo?.effectiveAllow ?? 0) & GENERIC_CONTRIBUTE) !== 0
    )
  );
}
