/**
 * Checkpoints off the server's thread. SQLite in WAL mode appends every commit to the log and
 * copies the log back into the database file at a checkpoint. By default a checkpoint runs inside
 * the commit that finds the log past 1,000 frames, on the committing thread: a claim, a
 * completion or a page's query would stop the event loop for the few milliseconds it takes
 * (7 ms for 1,000 frames here, against 0.05 ms for a claim), and through the libSQL binding a
 * statement read with one step (`get`, `run`) never checks the log, so a stream of enqueues let
 * it grow without bound (300 MB for 10,000 jobs) until some other statement stopped to copy all
 * of it. {@link startCheckpoints} turns that off for the connection it is given and runs the
 * checkpoints on a connection of its own in a Web Worker (`_checkpoint_worker.ts`), which keeps
 * the log short while the server's connection goes on writing. Durability is the same: a commit
 * is in the log before it returns either way, and a checkpoint syncs the log before copying it.
 * @module
 */
import type { CheckpointAnswer, CheckpointStart } from "./_checkpoint_worker.ts";

/** The part of a native connection this module uses. */
export interface CheckpointedConnection {
  exec(sql: string): void;
}

/** Running background checkpoints. */
export interface Checkpoints {
  /** Stops the worker and closes its connection; resolves once it has. */
  stop(): Promise<void>;
}

/** When the worker starts, and the timing of its rounds (see `_checkpoint_worker.ts`). */
export interface CheckpointOptions {
  /**
   * The worker starts this long after the store opens; until it runs, the connection checkpoints
   * inline as SQLite does by default. A store opened for a moment (a CLI command, a test) never
   * pays for a thread.
   */
  startAfterMs?: number;
  busyMs?: number;
  idleMs?: number;
  restartFrames?: number;
}

/** What the connection checks when the worker is gone: SQLite's own default. */
const INLINE_FRAMES = 1_000;

/**
 * Starts a worker, after `options.startAfterMs`, that checkpoints the store at `path`; once it
 * runs, `connection` stops checkpointing inside its commits. Should the worker fail, the
 * connection checkpoints inline again.
 */
export function startCheckpoints(
  connection: CheckpointedConnection,
  path: string,
  options: CheckpointOptions = {},
): Checkpoints {
  let worker: Worker | undefined;
  let open = true;
  const stopped = Promise.withResolvers<void>();
  const inline = (frames: number) => {
    if (open) connection.exec(`pragma wal_autocheckpoint = ${frames}`);
  };
  const start = () => {
    worker = new Worker(new URL("./_checkpoint_worker.ts", import.meta.url).href, {
      type: "module",
    });
    worker.onmessage = ({ data }: MessageEvent<CheckpointAnswer>) => {
      if (data.type === "ready") {
        inline(0);
        // A burst may stretch the log far past its usual length; once it starts over it is cut
        // back to this.
        if (open) connection.exec(`pragma journal_size_limit = ${64 * 1024 * 1024}`);
        return;
      }
      if (data.type === "failed") inline(INLINE_FRAMES);
      stopped.resolve();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      inline(INLINE_FRAMES);
      stopped.resolve();
    };
    worker.postMessage(
      {
        type: "start",
        path,
        busyMs: options.busyMs ?? 5,
        idleMs: options.idleMs ?? 200,
        restartFrames: options.restartFrames ?? 4_096,
      } satisfies CheckpointStart,
    );
  };
  const timer = setTimeout(start, options.startAfterMs ?? 1_000);
  return {
    async stop() {
      open = false;
      clearTimeout(timer);
      if (!worker) return;
      worker.postMessage({ type: "stop" });
      // A worker that cannot answer (stuck in a copy of a huge log) is ended all the same.
      let late: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        stopped.promise,
        new Promise<void>((resolve) => late = setTimeout(resolve, 10_000)),
      ]);
      clearTimeout(late);
      worker.terminate();
    },
  };
}
