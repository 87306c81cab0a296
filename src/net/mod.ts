/**
 * HTTP concerns shared by every client Loom has (model endpoints, git platforms): how long a
 * server asks us to wait.
 * @module
 */

export { parseRetryAfter, retryAfterMs, untilReset } from "./retry_after.ts";
