/**
 * Settings and given values as safe to log or echo: secrets masked, and the credentials inside
 * URLs too (passwords, user names standing for keys, query values).
 * @module
 */
import { allRows } from "./_all_rows.ts";
import { getPath, setPath } from "./_path.ts";
import type { Settings } from "./settings.ts";
import type { SettingGroup } from "./setting_row.ts";
import { redactUrls } from "../secrets/mod.ts";

const SECRET_MASK = "***";

// A database or API URL may carry a password (postgres://user:pw@host/db), a key as its user name
// (https://KEY@gw) or in its query (?api-key=…); each is as secret as any token, though the
// setting as a whole is not.
function maskUrlPassword(value: string): string {
  return redactUrls(value);
}

/** A value as given, for a problem message: `***` for a secret, URL passwords masked. */
export function shownValue(value: unknown, secret: boolean): string {
  if (secret) return SECRET_MASK;
  return maskUrlPassword(typeof value === "string" ? value : JSON.stringify(value) ?? "");
}

function maskUrls(value: unknown): unknown {
  if (typeof value === "string") return maskUrlPassword(value);
  if (Array.isArray(value)) return value.map(maskUrls);
  return value;
}

/**
 * The settings as safe to log at start: secrets set are shown as `***` (unset ones stay absent,
 * so the line still tells whether they are configured) and URLs' user info and query values are
 * masked.
 * `groups` are the ones the settings were loaded with; only rows they and the core declare are
 * shown.
 */
export function redactedSettings(
  settings: Settings,
  groups: readonly SettingGroup[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of allRows(groups)) {
    const value = getPath(settings, row.key);
    if (value === undefined) continue;
    setPath(out, row.key, row.secret ? SECRET_MASK : maskUrls(value));
  }
  return out;
}
