/**
 * A git platform as the server composes it: its id, its own settings and how they build its
 * adapter. Each adapter folder exports one; `adapters/mod.ts` lists them, so adding a platform is
 * one folder plus one line there.
 * @module
 */
import type { SettingGroup } from "../settings/mod.ts";
import type { GitAdapter } from "./git_adapter.ts";

/** What building an adapter may need from the outside world; tests hand in their own. */
export interface PlatformDeps {
  fetch?: typeof fetch;
  /** Reads a file named by a setting (a key file). */
  readFile: (path: string) => string;
  /**
   * The most bytes of a pull request's diff an adapter reads (`LOOM_MAX_DIFF_BYTES`); past it,
   * `fetchDiff` stops reading and throws `DiffTooLargeError`.
   */
  maxDiffBytes: number;
}

/** One platform: id, settings, builder. `S` is the platform's settings once loaded. */
export interface PlatformModule<S = unknown> {
  /** The `/webhooks/:platform` segment and {@link GitAdapter.platform}, e.g. `azure-devops`. */
  readonly id: string;
  /** The platform's setting rows, loaded under their group key beside the core settings. */
  readonly settings: SettingGroup<S>;
  /**
   * The adapter the settings configure, or why the platform is disabled (a sentence naming the
   * setting that enables it). Throws when it is half configured, which `loom serve` reports as a
   * start-up failure; messages name settings, never their values.
   */
  build(settings: S, deps: PlatformDeps): GitAdapter | string;
}
