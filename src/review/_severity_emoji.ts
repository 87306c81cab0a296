import type { Severity } from "../findings/mod.ts";

/** The mark each severity carries in the summary and in inline comments, so they read alike. */
export const SEVERITY_EMOJI: Record<Severity, string> = {
  blocker: "🔴",
  warning: "🟡",
  info: "🔵",
};
