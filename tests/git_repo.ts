/**
 * Throwaway git repositories for tests.
 *
 * Tests that need real `git` output (diff parsing, `loom review` end to end) build a repository
 * in a temp dir instead of hand-writing fixtures, so they check Loom against what git actually
 * emits. Global and system git config are shut out so a developer's `diff.noprefix`,
 * `color.ui=always` or signing setup cannot change the output; `core.quotepath` stays at git's
 * default.
 * @module
 */

/** A scratch git repository; see {@link makeRepo}. */
export interface GitRepo {
  /** Absolute path of the work tree. */
  dir: string;
  /** Runs `git` in the work tree and returns stdout; throws with stderr when git fails. */
  git(...args: string[]): Promise<string>;
  /** Runs `git` and returns stdout as raw bytes, for output that need not be UTF-8. */
  gitBytes(...args: string[]): Promise<Uint8Array>;
  /** Writes a file (creating parent folders); a string is written as UTF-8, as is. */
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Deletes a file from the work tree (the next {@link GitRepo.commit} records it). */
  remove(path: string): Promise<void>;
  /** Moves a file with `git mv`, creating the target's folders first. */
  move(from: string, to: string): Promise<void>;
  /** Stages every change (`git add -A`) and commits it; returns the new commit's sha. */
  commit(message: string): Promise<string>;
  /** Deletes the repository. */
  cleanup(): Promise<void>;
  /** Same as {@link GitRepo.cleanup}, so `await using repo = await makeRepo()` works. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options for {@link makeRepo}. */
export interface MakeRepoOptions {
  /** Name of the first branch; `main` unless given. */
  branch?: string;
  /** Extra `-c key=value` settings passed to every git call, e.g. `core.autocrlf=false`. */
  config?: Record<string, string>;
}

const IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"];

/**
 * Creates an empty git repository in a fresh temp dir.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeRepo } from "./git_repo.ts";
 *
 * await using repo = await makeRepo();
 * await repo.write("a.txt", "one\n");
 * const base = await repo.commit("init");
 * await repo.write("a.txt", "two\n");
 * await repo.commit("change");
 * const diff = await repo.git("diff", base, "HEAD");
 * assert.match(diff, /^diff --git a\/a\.txt b\/a\.txt\n/);
 * assert.match(diff, /\n-one\n\+two\n$/);
 * ```
 */
export async function makeRepo(options: MakeRepoOptions = {}): Promise<GitRepo> {
  const dir = await Deno.makeTempDir({ prefix: "loom_git_" });
  const extra = Object.entries(options.config ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  // A clean environment: a GIT_DIR or GIT_INDEX_FILE inherited from a git hook would point
  // every command at the wrong repository.
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    // Fixed dates keep shas stable between runs, which makes failures reproducible.
    GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
  };

  const run = async (args: string[]): Promise<Uint8Array> => {
    const out = await new Deno.Command("git", {
      args: [...IDENTITY, ...extra, ...args],
      cwd: dir,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const stderr = new TextDecoder().decode(out.stderr);
      throw new Error(`git ${args.join(" ")} failed (${out.code}): ${stderr}`);
    }
    return out.stdout;
  };
  const git = async (...args: string[]) => new TextDecoder().decode(await run(args));
  const inside = (path: string) => `${dir}/${path}`;

  await git("init", "-q", "-b", options.branch ?? "main");

  const cleanup = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  return {
    dir,
    git,
    gitBytes: (...args) => run(args),
    async write(path, content) {
      const slash = path.lastIndexOf("/");
      if (slash > 0) await Deno.mkdir(inside(path.slice(0, slash)), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(inside(path), content);
      else await Deno.writeFile(inside(path), content);
    },
    remove: (path) => Deno.remove(inside(path)),
    async move(from, to) {
      const slash = to.lastIndexOf("/");
      if (slash > 0) await Deno.mkdir(inside(to.slice(0, slash)), { recursive: true });
      await git("mv", from, to);
    },
    async commit(message) {
      await git("add", "-A");
      await git("commit", "-q", "--allow-empty", "-m", message);
      return (await git("rev-parse", "HEAD")).trim();
    },
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}
