/**
 * GitLab as one platform module: its id, its setting rows and its builder.
 * @module
 */
export { gitlabPlatform } from "./settings.ts";
