/**
 * Handling secrets: comparing one in constant time, and keeping them out of what Loom shows.
 * @module
 */

export { displayUrl, type EndpointCredentials, redact, scrubCredentials } from "./redact.ts";
export { redactUrls } from "./redact_url.ts";
export { sameSecret } from "./same_secret.ts";
