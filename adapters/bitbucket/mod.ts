/**
 * Bitbucket Cloud as one platform module: its id, its setting rows and its builder.
 * @module
 */
export { bitbucketPlatform } from "./settings.ts";
