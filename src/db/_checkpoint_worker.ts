/**
 * The Web Worker that checkpoints one SQLite store for {@link startCheckpoints}: it opens a
 * connection of its own and copies the write-ahead log back into the database file, so that
 * the server's connection never does it inside a commit (see `checkpoints.ts`).
 *
 * Each round is a passive checkpoint, which waits for no one: writers go on appending to the log
 * while it copies. It comes again soon while the log keeps growing and slowly once it is still.
 * The log starts over only when a writer finds it fully copied; under a steady stream of writes
 * that moment never comes, so once the log passes `restartFrames` a round ends with a restart
 * checkpoint, which holds writers off while it copies the few frames the passive one left.
 * @module
 */
import Database from "libsql";

/** How the worker is started. */
export interface CheckpointStart {
  type: "start";
  path: string;
  /** Delay before the next round when the last one found new frames. */
  busyMs: number;
  /** Delay before the next round when the log had not moved. */
  idleMs: number;
  /** Log length, in frames, past which a round restarts the log. */
  restartFrames: number;
}

/** What the worker answers: its connection is open, it has stopped, or the error that stopped it. */
export type CheckpointAnswer =
  | { type: "ready" }
  | { type: "stopped" }
  | { type: "failed"; error: string };

const self = globalThis as unknown as {
  onmessage: ((event: MessageEvent<CheckpointStart | { type: "stop" }>) => void) | null;
  postMessage(answer: CheckpointAnswer): void;
  close(): void;
};

interface Counts {
  busy: number;
  log: number;
  checkpointed: number;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let db: InstanceType<typeof Database> | undefined;

self.onmessage = ({ data }) => {
  if (data.type === "stop") {
    clearTimeout(timer);
    db?.close();
    db = undefined;
    self.postMessage({ type: "stopped" });
    return;
  }
  try {
    db = new Database(data.path);
    // A restart waits this long for the writer of the moment; a passive round waits for no one.
    db.exec("pragma busy_timeout = 1000");
  } catch (error) {
    self.postMessage({ type: "failed", error: String(error) });
    return;
  }
  const passive = db.prepare("pragma wal_checkpoint(passive)");
  const restart = db.prepare("pragma wal_checkpoint(restart)");
  self.postMessage({ type: "ready" });
  let last = "";
  const round = () => {
    if (!db) return;
    let moved = false;
    try {
      const counts = passive.get([]) as Counts;
      const now = `${counts.log}:${counts.checkpointed}`;
      moved = now !== last;
      last = now;
      if (counts.log >= data.restartFrames && counts.checkpointed === counts.log) {
        restart.get([]);
      }
    } catch (error) {
      // Busy (another connection's checkpoint, a writer a restart could not wait out): the next
      // round tries again. Anything else ends the worker; its owner checkpoints inline instead.
      if (!/busy|locked/i.test(String(error))) {
        db.close();
        db = undefined;
        self.postMessage({ type: "failed", error: String(error) });
        return;
      }
    }
    timer = setTimeout(round, moved ? data.busyMs : data.idleMs);
  };
  round();
};
