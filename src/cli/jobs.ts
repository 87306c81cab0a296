/**
 * `loom jobs list|show ID|retry ID|cancel ID`: the queue from the command line, straight against
 * the store, so it works while no server runs.
 * @module
 */
import { openDatabase } from "../db/mod.ts";
import { jobJson } from "../http/api/job_json.ts";
import {
  createQueue,
  isLane,
  type Job,
  type JobAction,
  type JobStatus,
  type Queue,
} from "../queue/mod.ts";
import { parseCommand, STORE_FLAGS } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";
import { settingsFrom } from "./settings.ts";

const USAGE = `Usage: loom jobs list [--status S] [--lane L] [--kind K] [--limit N] [--json]
       loom jobs show ID
       loom jobs retry ID      (a dead or cancelled job gets fresh attempts)
       loom jobs cancel ID     (a queued or running job; a running handler is aborted)
Common: [--db URL] [--config FILE]`;

const FLAGS = {
  ...STORE_FLAGS,
  status: { type: "string" },
  lane: { type: "string" },
  kind: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
} as const;

const STATUSES: JobStatus[] = ["queued", "running", "succeeded", "dead", "cancelled"];

function line(job: Job): string {
  const error = job.lastError ? `  ${job.lastError.split("\n")[0].slice(0, 80)}` : "";
  return `${String(job.id).padStart(7)}  ${job.status.padEnd(9)}  ${job.lane.padEnd(6)}  ${
    job.kind.padEnd(10)
  }  ${job.attempts}/${job.maxAttempts}  ${new Date(job.createdAt).toISOString()}${error}`;
}

/** Runs `loom jobs …`. Exit 1 when the job does not exist or is in the wrong state. */
export async function jobsCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(args, FLAGS, USAGE, io);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [action, idText] = positionals;
  const usage = (why: string) => (io.stderr(`error: ${why}\n\n${USAGE}`), EXIT.usage);
  if (!["list", "show", "retry", "cancel"].includes(action)) {
    return usage(action ? `unknown jobs command ${action}` : "missing jobs command");
  }
  const id = Number(idText);
  if (action !== "list" && !(Number.isInteger(id) && id > 0)) {
    return usage(`loom jobs ${action} needs a job id`);
  }
  const status = values.status as JobStatus | undefined;
  if (status && !STATUSES.includes(status)) {
    return usage(`--status must be one of ${STATUSES.join(", ")}`);
  }
  if (values.lane && !isLane(values.lane)) return usage("--lane must be high, normal or low");
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return usage("--limit must be 1..500");
  const settings = settingsFrom(values, io);
  if (typeof settings === "number") return settings;

  let store;
  try {
    store = await openDatabase(settings.dbUrl, { poolSize: settings.dbPoolSize });
  } catch (error) {
    io.stderr(
      `loom jobs: cannot open the store: ${error instanceof Error ? error.message : error}`,
    );
    return EXIT.failure;
  }
  const queue = await createQueue(store);
  try {
    return await run(queue, action, id, {
      status,
      lane: values.lane as Job["lane"],
      kind: values.kind as string,
      limit,
      json: !!values.json,
    }, io);
  } finally {
    await queue.close();
    await store.close();
  }
}

async function run(
  queue: Queue,
  action: string,
  id: number,
  filters: { status?: JobStatus; lane?: Job["lane"]; kind?: string; limit: number; json: boolean },
  io: CliIo,
): Promise<number> {
  if (action === "list") {
    const page = await queue.list(filters);
    if (filters.json) {
      io.stdout(JSON.stringify({ jobs: page.jobs.map(jobJson), next_cursor: page.nextCursor }));
    } else if (page.jobs.length === 0) io.stdout("no jobs");
    else io.stdout(page.jobs.map(line).join("\n"));
    return EXIT.ok;
  }
  if (action === "show") {
    const job = await queue.get(id);
    if (!job) return io.stderr(`no job ${id}`), EXIT.failure;
    return io.stdout(JSON.stringify(jobJson(job), null, 2)), EXIT.ok;
  }
  const result = await queue.act(id, action as JobAction, "cancelled with loom jobs cancel");
  if (!result.done) return io.stderr(result.message), EXIT.failure;
  io.stdout(line(result.job));
  return EXIT.ok;
}
