/**
 * Lowers the calling thread's scheduling priority, so that on a busy machine the thread serving
 * webhooks runs before the threads reviewing. A job thread and the HTTP thread are OS threads of
 * one process; when reviews keep both cores busy (diff parsing, JSON, anchoring), an equal share
 * makes every delivery wait behind them. With the job threads at nice 10 the kernel gives the
 * HTTP thread about nine tenths of a core they contend for; reviews, which mostly wait on the
 * model, lose almost nothing, and other services on the VM (the git platform itself, often) keep
 * their share.
 *
 * Linux only, where the nice value belongs to each thread (`setpriority(PRIO_PROCESS, 0, …)`
 * changes the calling thread alone); elsewhere it would change the whole process, so it does
 * nothing there. It calls libc through FFI (`--allow-ffi`, which `loom serve` has for libSQL).
 * An unprivileged process may always lower its priority, never raise it back.
 *
 * @example
 * ```ts
 * import { lowerThreadPriority } from "./thread_priority.ts";
 * import assert from "node:assert/strict";
 *
 * // 0 leaves the thread as it is.
 * assert.deepEqual(lowerThreadPriority(0), { lowered: false, why: "LOOM_WORKER_THREAD_NICE is 0" });
 * ```
 * @module
 */

/** The outcome: lowered, or why not (for one log line). */
export type PriorityOutcome = { lowered: true; nice: number } | { lowered: false; why: string };

const LIBC = ["libc.so.6", "libc.so"];
const PRIO_PROCESS = 0;

/** Sets the calling thread's nice value to `nice` (1–19); 0 does nothing. */
export function lowerThreadPriority(nice: number): PriorityOutcome {
  if (nice === 0) return { lowered: false, why: "LOOM_WORKER_THREAD_NICE is 0" };
  if (Deno.build.os !== "linux") {
    return { lowered: false, why: `${Deno.build.os} has no per-thread priority` };
  }
  let failure = "libc not found";
  for (const name of LIBC) {
    let lib;
    try {
      lib = Deno.dlopen(
        name,
        {
          setpriority: { parameters: ["i32", "u32", "i32"], result: "i32" },
        } as const,
      );
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      if (
        error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
      ) {
        return { lowered: false, why: `no --allow-ffi: ${failure}` };
      }
      continue;
    }
    try {
      if (lib.symbols.setpriority(PRIO_PROCESS, 0, nice) !== 0) {
        return { lowered: false, why: "setpriority refused" };
      }
      return { lowered: true, nice };
    } finally {
      lib.close();
    }
  }
  return { lowered: false, why: failure };
}
