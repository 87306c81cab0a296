/**
 * A private PostgreSQL cluster for tests that stop and start the database under a running Loom:
 * `initdb` into a temp dir, `pg_ctl start` on a free port of 127.0.0.1, `stop -m fast` (the
 * server ends every connection, as a restart or failover does). initdb refuses to run as root,
 * so as root the cluster is created and run as the `postgres` user through `runuser`.
 * @module
 */

const BIN = Deno.env.get("LOOM_TEST_PG_BIN") ?? "/usr/lib/postgresql/15/bin";

/** A cluster this test owns. */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  start(): Promise<void>;
  /** Stops it with `-m fast`: open connections are terminated. */
  stop(): Promise<void>;
  /** Stops it if running and removes its files. */
  dispose(): Promise<void>;
}

/** Whether the PostgreSQL binaries are on this machine. */
export function pgBinariesPresent(): boolean {
  try {
    return Deno.statSync(`${BIN}/initdb`).isFile && Deno.statSync(`${BIN}/pg_ctl`).isFile;
  } catch {
    return false;
  }
}

async function run(args: string[]): Promise<void> {
  const asRoot = Deno.uid() === 0;
  const [cmd, ...rest] = asRoot ? ["runuser", "-u", "postgres", "--", ...args] : args;
  const out = await new Deno.Command(cmd, { args: rest, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${args.join(" ")} failed:\n${text}`);
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Creates and starts a cluster; see the module doc. */
export async function startPgCluster(): Promise<PgCluster> {
  const dir = await Deno.makeTempDir({ prefix: "loom-pg-" });
  if (Deno.uid() === 0) {
    const id = new TextDecoder().decode(
      (await new Deno.Command("id", { args: ["-u", "postgres"], stdout: "piped" }).output()).stdout,
    );
    await Deno.chown(dir, Number(id.trim()), null);
  }
  const data = `${dir}/data`;
  await run([`${BIN}/initdb`, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const port = freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await run([`${BIN}/pg_ctl`, "-D", data, "-o", options, "-l", `${dir}/log`, "-w", "start"]);
      running = true;
    },
    async stop() {
      await run([`${BIN}/pg_ctl`, "-D", data, "-m", "fast", "-w", "stop"]);
      running = false;
    },
    async dispose() {
      if (running) await cluster.stop().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
  await cluster.start();
  return cluster;
}
