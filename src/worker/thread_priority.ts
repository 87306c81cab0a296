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
 * V8's helper threads ({@link lowerV8HelperThreads}) are lowered the same way: they run the
 * concurrent garbage collection and compilation of every thread's isolate, the job threads'
 * included, and at the process's priority they took the core from the HTTP thread during a burst
 * of deliveries (`bench:e2e`'s burst of 64: the HTTP thread waited for a core 16 ms in the median
 * run, 8 ms with the helpers lowered).
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

/** The outcome: lowered (how many threads), or why not (for one log line). */
export type PriorityOutcome =
  | { lowered: true; nice: number; threads: number }
  | { lowered: false; why: string };

const LIBC = ["libc.so.6", "libc.so"];
const PRIO_PROCESS = 0;
// How Linux names V8's platform workers: "V8 DefaultWorker" cut to its 15 characters.
const V8_HELPER = "V8 DefaultWorke";
// `struct dirent` on 64-bit Linux, glibc and musl alike: d_ino, d_off, d_reclen, d_type, d_name.
const D_NAME_OFFSET = 19;
const O_RDONLY = 0;

const SYMBOLS = {
  setpriority: { parameters: ["i32", "u32", "i32"], result: "i32" },
  opendir: { parameters: ["buffer"], result: "pointer" },
  readdir: { parameters: ["pointer"], result: "pointer" },
  closedir: { parameters: ["pointer"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
} as const;
type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Sets the calling thread's nice value to `nice` (1–19); 0 does nothing. */
export function lowerThreadPriority(nice: number): PriorityOutcome {
  return setNice(nice, () => [0]);
}

/**
 * Sets the nice value of V8's helper threads in this process to `nice` (1–19); 0 does nothing.
 * The threads exist from the start (one per core), so one call covers them for the process's life.
 */
export function lowerV8HelperThreads(nice: number): PriorityOutcome {
  return setNice(nice, (libc) => threadsNamed(libc, V8_HELPER));
}

/** `setpriority` for each thread id `threads` lists (0: the calling thread). */
function setNice(nice: number, threads: (libc: Libc) => number[]): PriorityOutcome {
  if (nice === 0) return { lowered: false, why: "LOOM_WORKER_THREAD_NICE is 0" };
  if (Deno.build.os !== "linux") {
    return { lowered: false, why: `${Deno.build.os} has no per-thread priority` };
  }
  let failure = "libc not found";
  for (const name of LIBC) {
    let lib;
    try {
      lib = Deno.dlopen(name, SYMBOLS);
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
      const ids = threads(lib.symbols);
      if (ids.length === 0) return { lowered: false, why: "no such thread" };
      for (const id of ids) {
        if (lib.symbols.setpriority(PRIO_PROCESS, id, nice) !== 0) {
          return { lowered: false, why: "setpriority refused" };
        }
      }
      return { lowered: true, nice, threads: ids.length };
    } catch (error) {
      return { lowered: false, why: error instanceof Error ? error.message : String(error) };
    } finally {
      lib.close();
    }
  }
  return { lowered: false, why: failure };
}

/**
 * The ids of this process's threads called `name`. Read through libc: Deno's own file API
 * refuses `/proc/self` to a process without `--allow-all`, and `loom serve` has less.
 */
function threadsNamed(libc: Libc, name: string): number[] {
  const dir = libc.opendir(cString("/proc/self/task"));
  if (dir === null) throw new Error("/proc/self/task cannot be listed");
  const ids: number[] = [];
  try {
    for (let entry = libc.readdir(dir); entry !== null; entry = libc.readdir(dir)) {
      const id = new Deno.UnsafePointerView(entry).getCString(D_NAME_OFFSET);
      if (/^\d+$/.test(id) && threadName(libc, id) === name) ids.push(Number(id));
    }
  } finally {
    libc.closedir(dir);
  }
  return ids;
}

/** A thread's name (`comm`), or "" when it ended meanwhile. */
function threadName(libc: Libc, id: string): string {
  const fd = libc.open(cString(`/proc/self/task/${id}/comm`), O_RDONLY);
  if (fd < 0) return "";
  try {
    const bytes = new Uint8Array(64);
    const read = Number(libc.read(fd, bytes, BigInt(bytes.length)));
    return new TextDecoder().decode(bytes.subarray(0, Math.max(0, read))).trim();
  } finally {
    libc.close(fd);
  }
}

function cString(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${text}\0`);
}
