/**
 * Gitea and Forgejo as one platform module: its id, its setting rows and its builder.
 * @module
 */
export { giteaPlatform } from "./settings.ts";
