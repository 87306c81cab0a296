/**
 * Azure DevOps Services' settings and the adapter they build.
 * @module
 */
import { httpUrl, secretText, type SettingRows, text } from "../../src/settings/mod.ts";
import type { GitAdapter, PlatformDeps, PlatformModule } from "../../src/platform/mod.ts";
import { adapterDeps, requireSettings } from "../_shared/mod.ts";
import { createAzureDevopsAdapter } from "./adapter.ts";

/** Azure DevOps' settings once loaded; webhooks are disabled without the hook's credentials. */
export interface AzureDevopsSettings {
  /** `https://dev.azure.com/ORG`. */
  url?: string;
  /** A personal access token. */
  token?: string;
  webhookUsername?: string;
  webhookPassword?: string;
}

const ROWS: SettingRows<AzureDevopsSettings> = {
  url: {
    env: "LOOM_AZURE_DEVOPS_URL",
    yaml: "azure_devops.url",
    default: undefined,
    about: "Azure DevOps organization URL, `https://dev.azure.com/ORG`.",
    check: httpUrl,
  },
  token: {
    env: "LOOM_AZURE_DEVOPS_TOKEN",
    yaml: "azure_devops.token",
    default: undefined,
    about: "Azure DevOps personal access token (Code: read and write; Code status).",
    check: text,
    secret: true,
  },
  webhookUsername: {
    env: "LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME",
    yaml: "azure_devops.webhook_username",
    default: undefined,
    about: "Basic-auth user name set on the Azure DevOps service hook.",
    check: text,
  },
  webhookPassword: {
    env: "LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD",
    yaml: "azure_devops.webhook_password",
    default: undefined,
    about: "Basic-auth password set on the service hook; Azure DevOps webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from Azure DevOps"),
    secret: true,
  },
};

/**
 * The adapter, or why Azure DevOps is disabled. It is enabled by the service hook's Basic-auth
 * credentials (user name and password), the only proof a delivery came from Azure DevOps. Throws
 * when it is half configured (one credential without the other, or no way to call the API), which
 * `loom serve` reports as a start-up failure.
 */
export function azureDevopsFromSettings(
  az: AzureDevopsSettings,
  deps: PlatformDeps,
): GitAdapter | string {
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
  const { url, token } = requireSettings(
    "the Azure DevOps service hook credentials are set but Loom cannot call Azure DevOps",
    {
      url: [az.url, "LOOM_AZURE_DEVOPS_URL (https://dev.azure.com/ORG)"],
      token: [az.token, "LOOM_AZURE_DEVOPS_TOKEN (a personal access token)"],
    },
  );
  return createAzureDevopsAdapter({
    url,
    token,
    webhookUsername: az.webhookUsername,
    webhookPassword: az.webhookPassword,
    ...adapterDeps(deps),
  });
}

/** Azure DevOps: webhooks at `/webhooks/azure-devops`, settings under `azureDevops`. */
export const azureDevopsPlatform: PlatformModule<AzureDevopsSettings> = {
  id: "azure-devops",
  settings: { key: "azureDevops", rows: ROWS },
  build: azureDevopsFromSettings,
};
