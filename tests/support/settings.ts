/**
 * Settings for tests: loaded from plain objects in place of flags, environment and files.
 * @module
 */
import assert from "node:assert/strict";
import type { GitAdapter, PlatformModule } from "../../src/platform/mod.ts";
import {
  formatProblems,
  groupSettings,
  loadSettings,
  type SettingGroup,
  type SettingProblem,
  type Settings,
  type SettingsResult,
} from "../../src/settings/mod.ts";

/** The sources a test gives: flags by name, variables, and files by path. */
export interface Sources {
  flags?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
}

/** Loads settings from `sources` with `groups` besides the core ones. */
export function load(
  { flags = {}, env = {}, files = {} }: Sources,
  groups: readonly SettingGroup[] = [],
): SettingsResult {
  return loadSettings({ flags, env, readFile: (path) => files[path] ?? null, groups });
}

/** The settings `sources` give; fails the test when they have problems. */
export function settingsOf(sources: Sources, groups: readonly SettingGroup[] = []): Settings {
  const result = load(sources, groups);
  if (!result.ok) assert.fail(`unexpected problems:\n${formatProblems(result.problems)}`);
  return result.settings;
}

/** The problems `sources` have; fails the test when they are valid. */
export function problemsOf(
  sources: Sources,
  groups: readonly SettingGroup[] = [],
): SettingProblem[] {
  const result = load(sources, groups);
  if (result.ok) assert.fail("expected problems, got valid settings");
  return result.problems;
}

/** What `platform` builds from the settings `env` gives it (a key file reads as empty). */
export function buildFromEnv<S>(
  platform: PlatformModule<S>,
  env: Record<string, string>,
): GitAdapter | string {
  const settings = settingsOf({ env }, [platform.settings]);
  return platform.build(groupSettings(settings, platform.settings), {
    readFile: () => "",
    maxDiffBytes: 5 * 1024 * 1024,
  });
}
