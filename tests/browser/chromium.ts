/**
 * Launching Debian's Chromium for the browser tests through `playwright-core` (no browser
 * download: Playwright's own builds come from a CDN this machine cannot reach), and where the
 * tests save their screenshots.
 * @module
 */
import { type Browser, chromium } from "playwright-core";

/** The flags issue 14 names: headless, no sandbox (CI runs as root), nothing phoning home. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** `$LOOM_CHROMIUM`, or Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return Deno.env.get("LOOM_CHROMIUM") ?? "/usr/bin/chromium";
}

/** Launches Chromium; fails saying how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const path = chromiumPath();
  try {
    await Deno.stat(path);
  } catch {
    throw new Error(`no Chromium at ${path}: apt-get install -y chromium, or set LOOM_CHROMIUM`);
  }
  return await chromium.launch({ executablePath: path, args: CHROMIUM_FLAGS });
}

/** `$LOOM_ARTIFACTS_DIR`, or `tests/artifacts/` (git-ignored), created. */
export async function artifactsDir(): Promise<string> {
  const dir = Deno.env.get("LOOM_ARTIFACTS_DIR") ??
    new URL("../artifacts/", import.meta.url).pathname;
  await Deno.mkdir(dir, { recursive: true });
  return dir.replace(/\/$/, "");
}
