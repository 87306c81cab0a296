import assert from "node:assert/strict";
import { generateAppKeys } from "../../tests/fakes/github/server.ts";
import { createGithubAppAuth, type GithubAppAuthOptions } from "./_app_auth.ts";
import { PlatformError } from "../../src/platform/mod.ts";

const keys = await generateAppKeys();
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function decode(part: string) {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (c) => c.charCodeAt(0));
}

async function verifyJwt(jwt: string) {
  const [header, payload, signature] = jwt.split(".");
  const valid = await crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    keys.publicKey,
    decode(signature),
    new TextEncoder().encode(`${header}.${payload}`),
  );
  const json = (p: string) => JSON.parse(new TextDecoder().decode(decode(p)));
  return { valid, header: json(header), payload: json(payload) };
}

/** An authenticator whose two GitHub calls are recorded and answered in memory. */
function harness(overrides: Partial<GithubAppAuthOptions> = {}) {
  let clock = T0;
  const exchanges: { jwt: string; installationId: number }[] = [];
  const lookups: string[] = [];
  let minted = 0;
  const auth = createGithubAppAuth({
    appId: "4242",
    privateKey: keys.pkcs1Pem,
    now: () => clock,
    async exchange(jwt, installationId) {
      exchanges.push({ jwt, installationId });
      await new Promise((r) => setTimeout(r, 5));
      minted++;
      return { token: `ghs_${minted}`, expiresAt: new Date(clock + 3_600_000).toISOString() };
    },
    findInstallation(_jwt, fullName) {
      lookups.push(fullName);
      return Promise.resolve(77);
    },
    ...overrides,
  });
  return { auth, exchanges, lookups, advance: (ms: number) => (clock += ms) };
}

Deno.test("the App JWT is RS256, issued by the App, 60 s in the past and under 10 min ahead", async () => {
  for (const privateKey of [keys.pkcs1Pem, keys.pkcs8Pem]) {
    const { auth } = harness({ privateKey });
    const { valid, header, payload } = await verifyJwt(await auth.appJwt());
    assert.equal(valid, true);
    assert.deepEqual(header, { alg: "RS256", typ: "JWT" });
    assert.equal(payload.iss, 4242);
    assert.equal(payload.iat, T0 / 1000 - 60);
    assert.ok(payload.exp > T0 / 1000 && payload.exp <= T0 / 1000 + 600, `exp ${payload.exp}`);
  }
});

Deno.test("a client ID is sent as the issuer string", async () => {
  const { auth } = harness({ appId: "Iv23liAbCdEf" });
  assert.equal((await verifyJwt(await auth.appJwt())).payload.iss, "Iv23liAbCdEf");
});

Deno.test("installation tokens are cached, shared by concurrent callers, refreshed near expiry", async () => {
  const { auth, exchanges, advance } = harness();
  const repo = { fullName: "octo/app", installation: "9" };
  const first = await Promise.all([1, 2, 3].map(() => auth.installationToken(repo)));
  assert.deepEqual(first, ["ghs_1", "ghs_1", "ghs_1"]);
  assert.equal(exchanges.length, 1);
  assert.equal(exchanges[0].installationId, 9);
  assert.equal((await verifyJwt(exchanges[0].jwt)).valid, true);

  advance(54 * 60_000); // 6 minutes left: still good
  assert.equal(await auth.installationToken(repo), "ghs_1");
  advance(2 * 60_000); // 4 minutes left: inside the 5-minute margin
  assert.equal(await auth.installationToken(repo), "ghs_2");
  assert.equal(exchanges.length, 2);
});

Deno.test("installations are looked up once per repository when the delivery had none", async () => {
  const { auth, exchanges, lookups } = harness();
  await auth.installationToken({ fullName: "octo/app" });
  await auth.installationToken({ fullName: "octo/app" });
  assert.deepEqual(lookups, ["octo/app"]);
  assert.deepEqual(exchanges.map((e) => e.installationId), [77]);
});

Deno.test("a forgotten token is minted again", async () => {
  const { auth, exchanges } = harness();
  const repo = { fullName: "octo/app", installation: "9" };
  const token = await auth.installationToken(repo);
  assert.equal(auth.forget("ghs_other"), false);
  assert.equal(auth.forget(token), true);
  assert.equal(await auth.installationToken(repo), "ghs_2");
  assert.equal(exchanges.length, 2);
});

Deno.test("a broken private key fails with a message that never quotes the key", async () => {
  const body = keys.pkcs1Pem.split("\n")[1];
  const broken = [
    keys.pkcs1Pem.replace(body, body.slice(0, 20) + "AAAA" + body.slice(24)),
    "not a key " + body,
    keys.pkcs8Pem.replace(/\n(.{8})/, "\n!!!!!!!!"),
    "-----BEGIN PRIVATE KEY-----\n" + btoa("short") + "\n-----END PRIVATE KEY-----\n",
  ];
  for (const privateKey of broken) {
    const { auth } = harness({ privateKey });
    await assert.rejects(auth.appJwt(), (e: unknown) => {
      assert.ok(e instanceof PlatformError);
      assert.equal(e.retryable, false);
      assert.match(e.message, /GitHub App private key/);
      for (const line of privateKey.split("\n").filter((l) => l.length > 16)) {
        assert.ok(!e.message.includes(line.slice(0, 16)), e.message);
      }
      return true;
    });
  }
});
