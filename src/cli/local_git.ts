/**
 * The few git facts `loom review` needs from a local repository, through the git command.
 * @module
 */

/** A git command that failed; `message` carries git's own stderr. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

/** Runs `git -C dir ARGS` and returns stdout; throws {@link GitError} on a non-zero exit. */
export async function git(dir: string, args: string[]): Promise<string> {
  let output;
  try {
    output = await new Deno.Command("git", {
      args: ["-C", dir, "-c", "core.quotepath=on", ...args],
      stdout: "piped",
      stderr: "piped",
      env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
    }).output();
  } catch (error) {
    throw new GitError(`cannot run git: ${error instanceof Error ? error.message : error}`);
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new GitError(`git ${args[0]} failed: ${stderr || `exit ${output.code}`}`);
  }
  return new TextDecoder().decode(output.stdout);
}

/** The commit `ref` names; throws a clear error when it names none. */
export async function resolveCommit(dir: string, ref: string): Promise<string> {
  try {
    return (await git(dir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw new GitError(`${ref} is not a commit in ${dir}`);
  }
}

/**
 * The unified diff a pull request from `head` into `base` would show: from their merge base to
 * `head`, or to the work tree when `head` is null (uncommitted changes included, untracked files
 * not). Renames and copies are detected, as the platforms show them.
 */
export async function changeDiff(dir: string, base: string, head: string | null): Promise<string> {
  const mergeBase = (await git(dir, ["merge-base", base, head ?? "HEAD"])).trim();
  const common = [
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--find-renames",
    "--find-copies",
    "--src-prefix=a/",
    "--dst-prefix=b/",
  ];
  return await git(dir, head ? [...common, mergeBase, head] : [...common, mergeBase]);
}

/** The text of `path` at `ref`, or null when it does not exist there. */
export async function fileAtRef(dir: string, ref: string, path: string): Promise<string | null> {
  try {
    return await git(dir, ["show", `${ref}:${path}`]);
  } catch (error) {
    if (
      error instanceof GitError && /does not exist|exists on disk, but not in/.test(error.message)
    ) {
      return null;
    }
    throw error;
  }
}

/** The size in bytes of `path` at `ref` (`git cat-file -s`), so a read can be refused first. */
export async function fileSizeAtRef(dir: string, ref: string, path: string): Promise<number> {
  return Number((await git(dir, ["cat-file", "-s", `${ref}:${path}`])).trim());
}

/** Subject of `head`'s commit and the messages of the commits since `base`, for the prompt. */
export async function changeDescription(
  dir: string,
  base: string,
  head: string,
): Promise<{ title: string; description: string }> {
  const title = (await git(dir, ["log", "-1", "--format=%s", head])).trim();
  const log = await git(dir, ["log", "--format=- %s%n%n%b", "--max-count=50", `${base}..${head}`]);
  return { title, description: log.trim() };
}
