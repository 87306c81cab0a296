/**
 * Azure DevOps as one platform module: its id, its setting rows and its builder.
 * @module
 */
export { azureDevopsPlatform } from "./settings.ts";
