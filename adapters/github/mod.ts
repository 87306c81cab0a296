/**
 * GitHub as one platform module: its id, its setting rows and its builder.
 * @module
 */
export { githubPlatform } from "./settings.ts";
