/**
 * The platform port: what every git platform implements and the rest of Loom uses. Adapters live
 * in `adapters/`; only the composition roots import them.
 * @module
 */
export type {
  CommandAuthor,
  CommitComparison,
  CommitStatus,
  GitAdapter,
  InlineComment,
  InlineResult,
  PlatformDialect,
  PostedComment,
  ResolveOutcome,
  ReviewThread,
} from "./git_adapter.ts";
export { CHAT_COMMANDS, type ChatCommand, type PlatformEvent } from "./platform_event.ts";
export type { PlatformDeps, PlatformModule } from "./platform_module.ts";
export type { PullRequest } from "./pull_request.ts";
export type { RepoRef } from "./repo_ref.ts";
export { DiffTooLargeError, PlatformError, WebhookPayloadError } from "./errors.ts";
