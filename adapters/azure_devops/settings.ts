/**
 * The Azure DevOps adapter as the server's settings configure it.
 * @module
 */
import type { Settings } from "../../src/settings.ts";
import { createAzureDevopsAdapter } from "./adapter.ts";
import type { PlatformDeps } from "../_shared/platform_deps.ts";
import type { GitAdapter } from "../../src/platform/mod.ts";

/**
 * The adapter, or why Azure DevOps is disabled. It is enabled by the service hook's Basic-auth
 * credentials (user name and password), the only proof a delivery came from Azure DevOps. Throws
 * when it is half configured (one credential without the other, or no way to call the API), which
 * `loom serve` reports as a start-up failure.
 */
export function azureDevopsFromSettings(
  settings: Settings,
  deps: PlatformDeps,
): GitAdapter | string {
  const az = settings.azureDevops;
  if (!az.webhookUsername && !az.webhookPassword) {
    return "set LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME and LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD to " +
      "enable it";
  }
  if (!az.webhookPassword || !az.webhookUsername) {
    const [set, unset] = az.webhookPassword ? ["PASSWORD", "USERNAME"] : ["USERNAME", "PASSWORD"];
    throw new Error(
      `LOOM_AZURE_DEVOPS_WEBHOOK_${set} is set but not LOOM_AZURE_DEVOPS_WEBHOOK_${unset}: set ` +
        "both, as on the service hook's Basic authentication",
    );
  }
  const missing = [
    az.url ? null : "LOOM_AZURE_DEVOPS_URL (https://dev.azure.com/ORG)",
    az.token ? null : "LOOM_AZURE_DEVOPS_TOKEN (a personal access token)",
  ].filter((m) => m !== null);
  if (missing.length > 0 || !az.url || !az.token) {
    throw new Error(
      "the Azure DevOps service hook credentials are set but Loom cannot call Azure DevOps: " +
        `set ${missing.join(" and ")}`,
    );
  }
  return createAzureDevopsAdapter({
    url: az.url,
    token: az.token,
    webhookUsername: az.webhookUsername,
    webhookPassword: az.webhookPassword,
    fetch: deps.fetch,
  });
}
