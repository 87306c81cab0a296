/**
 * The design's deployment models as compose files: `deploy/compose.yaml` (one Loom on SQLite)
 * and `deploy/compose.postgres.yaml` (two Looms sharing one PostgreSQL). No Docker engine runs
 * here, so the files are parsed and checked against what Loom and its image read: the settings
 * they set exist and load, and the port, volume, data path, health check and stop grace agree
 * with the Dockerfile and with `LOOM_SHUTDOWN_GRACE_S`.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { PLATFORM_SETTINGS } from "../adapters/mod.ts";
import { formatProblems, loadSettings, settingsTable } from "../src/settings/mod.ts";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const TABLE = settingsTable(PLATFORM_SETTINGS);

// deno-lint-ignore no-explicit-any
type Service = Record<string, any>;

/** What the image says: its exposed port, volume, store URL, health check and serve port. */
async function dockerfile() {
  const text = await read("Dockerfile");
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)![1]) as string[];
  const health = /^HEALTHCHECK (.*?) \\\n\s+CMD (\[.*\])$/m.exec(text)!;
  const options = Object.fromEntries(
    [...health[1].matchAll(/--([a-z-]+)=(\S+)/g)].map((m) => [m[1].replace("-", "_"), m[2]]),
  );
  return {
    expose: Number(/^EXPOSE (\d+)$/m.exec(text)![1]),
    volume: /^VOLUME (\S+)$/m.exec(text)![1],
    dbUrl: /^ENV LOOM_DB_URL=(\S+)$/m.exec(text)![1],
    servePort: Number(cmd[cmd.indexOf("--port") + 1]),
    healthTest: ["CMD", ...JSON.parse(health[2]) as string[]],
    healthOptions: options as Record<string, string>,
  };
}

/** A compose file parsed the way compose reads it (`<<:` merge keys included). */
async function compose(
  path: string,
): Promise<{ services: Record<string, Service>; volumes?: Record<string, unknown> }> {
  return parse(await read(path), { merge: true });
}

/** The services built from this repository's Dockerfile: the Loom nodes. */
function loomServices(file: { services: Record<string, Service> }): [string, Service][] {
  return Object.entries(file.services).filter(([, s]) =>
    s.build?.context === ".." && (s.build.dockerfile ?? "Dockerfile") === "Dockerfile"
  );
}

/** Compose's duration (`40s`, `1m30s`) in seconds. */
function seconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(h|m|s)/g)];
  assert.equal(parts.map((p) => p[0]).join(""), duration, `a compose duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * { h: 3600, m: 60, s: 1 }[unit]!, 0);
}

/** `${VAR:?message}` and `${VAR}` replaced by a stand-in, as compose would with VAR set. */
const interpolated = (value: string) => value.replaceAll(/\$\{[A-Z_]+(:\?[^}]*)?\}/g, "s3cret");

async function assertLoomService(name: string, service: Service) {
  const image = await dockerfile();
  // Settings: every LOOM_* variable the file sets is a setting Loom reads, and they load.
  const env = Object.fromEntries(
    Object.entries(service.environment as Record<string, string>).map(([k, v]) => [
      k,
      interpolated(String(v)),
    ]),
  );
  const known = new Set(TABLE.map((row) => row.env));
  for (const key of Object.keys(env)) {
    assert.ok(key.startsWith("LOOM_"), `${name}: ${key} is not a Loom setting`);
    assert.ok(known.has(key), `${name}: ${key} is not in the settings table`);
  }
  const loaded = loadSettings({ flags: {}, env, readFile: () => null, groups: PLATFORM_SETTINGS });
  assert.ok(loaded.ok, loaded.ok ? "" : formatProblems(loaded.problems));
  assert.equal(service.env_file, "loom.env", `${name}: the env file the README tells to copy`);

  // Ports: the container side is the port the image exposes and `serve --port` listens on.
  assert.equal(image.expose, image.servePort);
  assert.ok(service.ports.length > 0, `${name} publishes a port`);
  for (const port of service.ports as string[]) {
    assert.equal(Number(String(port).split(":").at(-1)), image.expose, `${name}: ${port}`);
  }

  // Health check: the Dockerfile's own, on /health of the serving port, with its timings.
  assert.deepEqual(service.healthcheck.test, image.healthTest, `${name}: health check`);
  assert.ok(
    service.healthcheck.test.some((arg: string) =>
      arg.includes(`http://127.0.0.1:${image.servePort}/health`)
    ),
  );
  for (const [option, value] of Object.entries(image.healthOptions)) {
    assert.equal(String(service.healthcheck[option]), value, `${name}: healthcheck.${option}`);
  }

  // Stop grace: above the shutdown grace Loom is given, or the drain is killed midway.
  const graceRow = TABLE.find((row) => row.env === "LOOM_SHUTDOWN_GRACE_S")!;
  const grace = Number(env.LOOM_SHUTDOWN_GRACE_S ?? graceRow.default);
  assert.ok(
    seconds(service.stop_grace_period) > grace,
    `${name}: stop_grace_period ${service.stop_grace_period} must exceed ${grace} s`,
  );
  return { env, loaded: loaded.ok ? loaded.settings : undefined, image };
}

Deno.test("deploy compose: a single node is one Loom from the Dockerfile on SQLite in a data volume", async () => {
  const file = await compose("deploy/compose.yaml");
  const looms = loomServices(file);
  assert.equal(looms.length, 1, "one Loom");
  const [name, service] = looms[0];
  const { env, image } = await assertLoomService(name, service);
  // Volumes: a named volume, declared, mounted where the image keeps its data; the SQLite file
  // (the image's own LOOM_DB_URL) lives in it.
  const mounts = (service.volumes as string[]).map((v) => v.split(":"));
  const data = mounts.find(([, target]) => target === image.volume);
  assert.ok(data, `a volume at the image's VOLUME ${image.volume}`);
  assert.ok(file.volumes && data[0] in file.volumes, `${data[0]} is a declared named volume`);
  assert.equal(env.LOOM_DB_URL, image.dbUrl, "the image's store URL");
  const dbPath = env.LOOM_DB_URL.replace(/^file:/, "");
  assert.ok(dbPath.startsWith(`${image.volume}/`), `${dbPath} is in the volume`);
  // Any other path Loom writes to (a backup directory, say) is in the volume too.
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith("_DIR")) assert.ok(value.startsWith(`${image.volume}/`), `${key}=${value}`);
  }
});

Deno.test("deploy compose: several nodes are two Looms sharing one PostgreSQL", async () => {
  const file = await compose("deploy/compose.postgres.yaml");
  const looms = loomServices(file);
  assert.ok(looms.length >= 2, "at least two Looms");
  const urls = new Set<string>();
  const hostPorts = new Set<string>();
  for (const [name, service] of looms) {
    const { env, loaded } = await assertLoomService(name, service);
    urls.add(env.LOOM_DB_URL);
    assert.equal(loaded?.dbUrl, env.LOOM_DB_URL);
    for (const port of service.ports as string[]) hostPorts.add(String(port).split(":")[0]);
    // The database is up before a node starts, or its migration fails at boot.
    assert.equal(service.depends_on?.postgres?.condition, "service_healthy", name);
  }
  assert.equal(urls.size, 1, "every node names the same database");
  assert.equal(hostPorts.size, looms.length, "each node on its own host port");
  const url = new URL([...urls][0]);
  assert.equal(url.protocol, "postgres:");
  const postgres = file.services[url.hostname];
  assert.ok(postgres, `a ${url.hostname} service`);
  assert.match(postgres.image, /^postgres:\d+/);
  assert.equal(Number(url.port || 5432), 5432);
  assert.equal(postgres.environment.POSTGRES_USER, url.username);
  assert.equal(postgres.environment.POSTGRES_DB, url.pathname.slice(1));
  assert.equal(interpolated(postgres.environment.POSTGRES_PASSWORD), url.password);
  assert.ok(postgres.healthcheck, "PostgreSQL has a health check the nodes wait on");
  const data = (postgres.volumes as string[]).map((v) => v.split(":"));
  assert.ok(
    data.some(([source, target]) =>
      target === "/var/lib/postgresql/data" && file.volumes && source in file.volumes
    ),
  );
});

Deno.test("deploy compose: the README's Deploying section shows both compose files", async () => {
  const readme = await read("README.md");
  const deploying = readme.slice(
    readme.indexOf("## Deploying"),
    readme.indexOf("\n## ", readme.indexOf("## Deploying") + 1),
  );
  for (const path of ["deploy/compose.yaml", "deploy/compose.postgres.yaml"]) {
    assert.ok(deploying.includes(`(${path})`), `a link to ${path}`);
    assert.ok(deploying.includes(`docker compose -f ${path} up`), `how to start ${path}`);
  }
});
