/**
 * Keeping one summary comment on a pull request: edited in place while it exists, posted anew
 * when it does not.
 * @module
 */

import { z } from "zod";
import type { RestClient, RestRequest } from "./rest_client.ts";
import type { PostedComment } from "../../src/platform/mod.ts";

const commentId = z.object({ id: z.number() });
// The edit's answers that mean "post a new summary instead": refused (not Loom's), or gone.
const REPOST = [403, 404];

/**
 * Loom's summary `body` as posted through `api`: `edit` changes the summary Loom has, when it
 * has one, and `post` creates it when it has none, when someone deleted it (the edit answers 404)
 * or when the platform refuses the edit (403: the comment is not Loom's after all), so that
 * neither ever fails a review and leaves its status pending. Both answers carry the comment's
 * numeric id.
 */
export async function editOrPost<R extends RestRequest>(
  api: RestClient<R>,
  calls: { edit?: R; post: R },
  body: string,
): Promise<PostedComment> {
  if (calls.edit) {
    const edit: R = { ...calls.edit, expect: REPOST };
    const res = await api.request(edit);
    if (!REPOST.includes(res.status)) {
      const edited = await api.read(res, edit, commentId);
      return { id: String(edited.id), kind: "summary", body };
    }
    await res.body?.cancel();
  }
  const created = await api.json(calls.post, commentId);
  return { id: String(created.id), kind: "summary", body };
}
