/**
 * The nice value the kernel holds for a thread, read from its `stat` file (field 19): what the
 * tests of job-thread priority assert. Linux only.
 * @module
 */

/** The nice value in the `stat` file at `path` (default: the calling thread's). */
export function niceOf(path = "/proc/thread-self/stat"): number {
  const stat = Deno.readTextFileSync(path);
  // Fields after the command name, which may hold spaces, so it is skipped by its parenthesis.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}
