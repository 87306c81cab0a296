/**
 * Keeping one summary comment on a pull request: edited in place while it exists, posted anew
 * when it does not.
 * @module
 */

import { z } from "zod";
import type { RestClient, RestRequest } from "./rest_client.ts";
import type { PostedComment } from "../../src/platform/mod.ts";

const commentId = z.object({ id: z.number() });

/**
 * Loom's summary `body` as posted through `api`: `edit` changes the summary Loom has, when it
 * has one, and `post` creates it when it has none or someone deleted it (the edit answers 404),
 * so that a deleted summary never fails a review. Both answers carry the comment's numeric id.
 */
export async function editOrPost<R extends RestRequest>(
  api: RestClient<R>,
  calls: { edit?: R; post: R },
  body: string,
): Promise<PostedComment> {
  if (calls.edit) {
    const edit: R = { ...calls.edit, expect: [404] };
    const res = await api.request(edit);
    if (res.status !== 404) {
      const edited = await api.read(res, edit, commentId);
      return { id: String(edited.id), kind: "summary", body };
    }
    await res.body?.cancel();
  }
  const created = await api.json(calls.post, commentId);
  return { id: String(created.id), kind: "summary", body };
}
