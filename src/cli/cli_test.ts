import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { migrateToLatest, openDatabase } from "../db/mod.ts";
import { createQueue, PermanentError } from "../queue/mod.ts";
import { freshPostgresUrl, freshSqliteUrl } from "../../tests/stores.ts";
import type { CliIo } from "./io.ts";

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (s) => (stdout += s + "\n"),
    stderr: (s) => (stderr += s + "\n"),
    env,
    cwd: Deno.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

Deno.test("cli: version, help and unknown commands", async () => {
  const version = await run(["version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^loom \d+\.\d+\.\d+ \(deno /);
  for (const command of ["serve", "migrate", "backup", "jobs", "review"]) {
    const help = await run([command, "--help"]);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, new RegExp(`Usage: loom ${command}`));
  }
  assert.equal((await run(["--help"])).code, 0);
  assert.equal((await run([])).code, 2);
  const unknown = await run(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const badFlag = await run(["jobs", "list", "--nope"]);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /Unknown option '--nope'/);
});

for (const [name, fresh] of [["sqlite", freshSqliteUrl], ["postgres", freshPostgresUrl]] as const) {
  Deno.test({
    name:
      `cli [${name}]: jobs retry of a dead job whose dedupe key a newer job holds exits 1 naming it`,
    ignore: name === "postgres" && freshPostgresUrl() === null,
    async fn() {
      const db = (await fresh())!;
      try {
        const store = await openDatabase(db.url);
        await migrateToLatest(store);
        const queue = await createQueue(store);
        const old = await queue.enqueue("review", "high", null, { dedupeKey: "pr-3" });
        const [claimed] = await queue.claim("w", 1, { kinds: ["review"], leaseMs: 10_000 });
        await queue.fail("w", claimed, new PermanentError("config is broken"));
        const newer = await queue.enqueue("review", "high", null, { dedupeKey: "pr-3" });
        await queue.close();
        await store.close();
        const retried = await run(["jobs", "retry", String(old.id), "--db", db.url]);
        assert.equal(retried.code, 1, retried.stderr);
        assert.match(retried.stderr, new RegExp(`job ${old.id}.*held by job ${newer.id}`));
        assert.equal(retried.stdout, "");
      } finally {
        await db.dispose();
      }
    },
  });
}

Deno.test("cli: migrate, then jobs list, show, retry and cancel against the store", async () => {
  const db = await freshSqliteUrl();
  try {
    const migrated = await run(["migrate", "--db", db.url]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /applied: 0001_initial, 0002_review_flow/);
    assert.match((await run(["migrate", "--db", db.url])).stdout, /up to date/);

    const store = await openDatabase(db.url);
    const queue = await createQueue(store);
    const dead = await queue.enqueue("review", "high", { pr: 1 });
    const queued = await queue.enqueue("publish", "low", { pr: 2 });
    const [claimed] = await queue.claim("w", 1, { kinds: ["review"], leaseMs: 10_000 });
    await queue.fail("w", claimed, new PermanentError("config is broken"));
    await queue.close();
    await store.close();

    const list = await run(["jobs", "list", "--db", db.url]);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`${dead.id}\\s+dead\\s+high\\s+review.*config is broken`));
    assert.match(list.stdout, new RegExp(`${queued.id}\\s+queued\\s+low\\s+publish`));
    const json = JSON.parse(
      (await run(["jobs", "list", "--status", "dead", "--json", "--db", db.url])).stdout,
    );
    assert.deepEqual(json.jobs.map((j: { id: number }) => j.id), [dead.id]);

    const show = await run(["jobs", "show", String(dead.id), "--db", db.url]);
    assert.equal(JSON.parse(show.stdout).last_error, "PermanentError: config is broken");

    assert.equal((await run(["jobs", "retry", String(queued.id), "--db", db.url])).code, 1);
    const retried = await run(["jobs", "retry", String(dead.id), "--db", db.url]);
    assert.equal(retried.code, 0);
    assert.match(retried.stdout, /queued/);
    const cancelled = await run(["jobs", "cancel", String(queued.id), "--db", db.url]);
    assert.equal(cancelled.code, 0);
    assert.match(cancelled.stdout, /cancelled/);
    assert.equal((await run(["jobs", "show", "999999", "--db", db.url])).code, 1);
    assert.equal((await run(["jobs", "show", "--db", db.url])).code, 2);
    assert.equal((await run(["jobs", "list", "--status", "nope", "--db", db.url])).code, 2);
  } finally {
    await db.dispose();
  }
});

Deno.test("cli: backup writes a checked copy, refuses to overwrite without --force, and sends PostgreSQL to pg_dump", async () => {
  const db = await freshSqliteUrl();
  const dir = await Deno.makeTempDir({ prefix: "loom-cli-backup-" });
  try {
    const store = await openDatabase(db.url);
    await migrateToLatest(store);
    const queue = await createQueue(store);
    const { id } = await queue.enqueue("review", "normal", { pr: 9 });
    await queue.close();
    await store.close();

    const target = `${dir}/loom-backup.db`;
    const first = await run(["backup", target, "--db", db.url]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /backed up .* to .*loom-backup\.db \(\d+ bytes\)/);
    const copy = await openDatabase(`file:${target}`);
    assert.equal((await (await createQueue(copy)).get(id))?.kind, "review");
    await copy.close();

    const again = await run(["backup", target, "--db", db.url]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; pass --force/);
    assert.equal((await run(["backup", target, "--force", "--db", db.url])).code, 0);

    const missing = await run(["backup", `${dir}/x.db`, "--db", `file:${dir}/none.db`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no SQLite store at/);
    assert.equal((await run(["backup", "--db", db.url])).code, 2, "FILE is required");

    const pg = await run(["backup", `${dir}/pg.db`, "--db", "postgres://loom@127.0.0.1:1/loom"]);
    assert.equal(pg.code, 1);
    assert.match(pg.stderr, /pg_dump/);
  } finally {
    await db.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
