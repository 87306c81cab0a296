/**
 * The server's review jobs: `review` → one `pipeline` per pipeline → `publish`, and `reply`.
 * @module
 */
export { reviewHandlers } from "./handlers.ts";
export type { ReviewJobDeps } from "./deps.ts";
