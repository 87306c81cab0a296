/**
 * HTTP concerns shared by every client Loom has (model endpoints, git platforms) and its server:
 * how long a server asks us to wait, and reading a body no larger than a limit.
 * @module
 */

export { parseRetryAfter, retryAfterMs, untilReset } from "./retry_after.ts";
export { readBoundedStream } from "./read_bounded.ts";
