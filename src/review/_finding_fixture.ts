import type { Finding } from "../findings/mod.ts";

const BASE: Finding = {
  path: "src/app.ts",
  line: 10,
  severity: "warning",
  pipeline: "security",
  title: "A finding",
  body: "Why it matters.",
  fingerprint: "0000000000000000",
  inDiff: true,
};

/**
 * A maker of test findings: each call is a complete in-diff {@link Finding} with `defaults` and
 * then `more` laid over a fixed base, so a test names only the fields it is about.
 */
export function findingMaker(
  defaults: Partial<Finding> = {},
): (more?: Partial<Finding>) => Finding {
  return (more = {}) => ({ ...BASE, ...defaults, ...more });
}
