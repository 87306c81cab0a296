/**
 * What the platform folders share: the REST client kit, the calls Gitea copies from GitHub,
 * Loom's hidden comment markers, chat commands, webhook payload checks, repository paths,
 * required settings and small helpers. The platform folders import this file
 * only; the other files here are its parts.
 * @module
 */

export { basicAuthorization } from "./basic_auth.ts";
export { DEFAULT_MAX_DIFF_BYTES, diffBudget, readBoundedBytes } from "./bounded_body.ts";
export type { DiffBudget } from "./bounded_body.ts";
export { chatCommand } from "./chat_command.ts";
export { editOrPost } from "./edit_or_post.ts";
export { errorBody, messageWithDetails } from "./error_body.ts";
export { fileDiff, type FileVersions, isBinary, MAX_DIFF_FILE_BYTES } from "./file_diff.ts";
export { boundedFileText, fileText, MAX_FILE_BYTES } from "./file_text.ts";
export { githubStyle, reviewCommentJson } from "./github_style.ts";
export { createHmacCheck, type HmacCheck } from "./hmac_signature.ts";
export type { GithubStyle } from "./github_style.ts";
export {
  fingerprintOf,
  isLoomComment,
  markedInline,
  markedSummary,
  pairLanded,
  replyText,
  SUMMARY_MARKER,
  summaryText,
  withFingerprint,
} from "./html_markers.ts";
export { cachedIdentity } from "./identity.ts";
export { landedInline } from "./landed_inline.ts";
export { mapLimit } from "./map_limit.ts";
export { insideApiRoot, nextLink } from "./paginate.ts";
export type { Page } from "./paginate.ts";
export { repoSegments } from "./repo_path.ts";
export { requireSettings } from "./required_settings.ts";
export { adapterDeps } from "./adapter_deps.ts";
export { createRestClient, linkNext } from "./rest_client.ts";
export type { RestClient, RestDialect, RestRequest } from "./rest_client.ts";
export { statusDescription } from "./status_description.ts";
export {
  MAX_REACTIONS,
  MAX_REPLIES,
  MAX_REPLY_CHARS,
  MAX_THREAD_BYTES,
  personReplies,
  threadBudget,
} from "./threads.ts";
export { checkPayload, isRepoPath, readPayload, repoName } from "./webhook_payload.ts";
