/**
 * GitHub App authentication: a short-lived JWT signed with the App's private key, exchanged for
 * installation tokens that are cached until shortly before they expire.
 *
 * Written with Web Crypto rather than taken from `@octokit/auth-app` (8.3.1 signs fine under
 * Deno, PKCS#1 and PKCS#8 alike), because auth-app reads `Date.now()` for the JWT and for its
 * token cache, so neither can run on an injected clock; it keeps tokens for a fixed 59 minutes
 * instead of until their `expires_at` less a margin; and it sends its requests through
 * `@octokit/request`, a second HTTP stack whose errors would need their own mapping.
 * @module
 */

import { PlatformError } from "../../src/platform/mod.ts";

/** Refresh an installation token this long before GitHub says it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** What {@link createGithubAppAuth} needs: the App's identity, a clock and two API calls. */
export interface GithubAppAuthOptions {
  /** The App ID (numeric) or client ID. */
  appId: string;
  /** PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`, GitHub's download) or PKCS#8 (`BEGIN PRIVATE KEY`). */
  privateKey: string;
  now: () => number;
  /**
   * `POST /app/installations/{id}/access_tokens` with the JWT. Passed in so that every HTTP
   * error is mapped in one place, the adapter's API client.
   */
  exchange(jwt: string, installationId: number): Promise<{ token: string; expiresAt: string }>;
  /** `GET /repos/{o}/{r}/installation` with the JWT: the installation that covers a repository. */
  findInstallation(jwt: string, fullName: string): Promise<number>;
}

/** Tokens for a GitHub App; see {@link createGithubAppAuth}. */
export interface GithubAppAuth {
  /** A fresh JWT for the App's own endpoints. */
  appJwt(): Promise<string>;
  /**
   * The installation token for a repository: its `installation` from the delivery, else looked
   * up once per repository. Cached per installation; concurrent callers share one request.
   */
  installationToken(repo: { fullName: string; installation?: string }): Promise<string>;
  /** Forgets `token` after GitHub refused it (revoked, clock skew), so the next call mints one. */
  forget(token: string): boolean;
}

/**
 * Creates the App authenticator. The private key is imported on first use; a key that does not
 * work fails with a permanent {@link PlatformError} whose message never quotes the key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGithubAppAuth } from "./_app_auth.ts";
 *
 * // A throwaway App key, as PKCS#8 PEM.
 * const { privateKey } = await crypto.subtle.generateKey(
 *   {
 *     name: "RSASSA-PKCS1-v1_5",
 *     modulusLength: 2048,
 *     publicExponent: new Uint8Array([1, 0, 1]),
 *     hash: "SHA-256",
 *   },
 *   true,
 *   ["sign"],
 * );
 * const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
 * const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...der))}\n` +
 *   "-----END PRIVATE KEY-----\n";
 *
 * const exchanged: number[] = [];
 * const auth = createGithubAppAuth({
 *   appId: "12345",
 *   privateKey: pem,
 *   now: Date.now,
 *   // The two GitHub calls, answered in memory.
 *   exchange: (_jwt, installationId) => {
 *     exchanged.push(installationId);
 *     const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
 *     return Promise.resolve({ token: `ghs_${installationId}`, expiresAt });
 *   },
 *   findInstallation: () => Promise.resolve(42),
 * });
 * assert.equal(await auth.installationToken({ fullName: "octo/app" }), "ghs_42");
 * // The delivery's installation, when given, saves the lookup.
 * const fromDelivery = { fullName: "octo/app", installation: "42" };
 * assert.equal(await auth.installationToken(fromDelivery), "ghs_42");
 * assert.deepEqual(exchanged, [42]); // the second call was served from the cache
 * assert.equal((await auth.appJwt()).split(".").length, 3);
 * ```
 */
export function createGithubAppAuth(options: GithubAppAuthOptions): GithubAppAuth {
  let key: Promise<CryptoKey> | null = null;
  const tokens = new Map<number, { token: string; refreshAt: number }>();
  const pending = new Map<number, Promise<string>>();
  const installations = new Map<string, Promise<number>>();

  const appJwt = async () => {
    key ??= importRsaPrivateKey(options.privateKey);
    const imported = await key;
    try {
      return await signAppJwt(options.appId, imported, options.now());
    } catch {
      // Web Crypto may accept a damaged key at import and fail only here.
      throw keyError("the GitHub App private key cannot sign: it is not a valid RSA key");
    }
  };

  const mint = async (installationId: number): Promise<string> => {
    const { token, expiresAt } = await options.exchange(await appJwt(), installationId);
    const expires = Date.parse(expiresAt);
    // An unreadable expiry is not cached: minting again is cheaper than using a dead token.
    const refreshAt = Number.isNaN(expires) ? 0 : expires - REFRESH_MARGIN_MS;
    tokens.set(installationId, { token, refreshAt });
    return token;
  };

  const installationOf = (repo: { fullName: string; installation?: string }) => {
    // Only this adapter writes `installation`, as the delivery's numeric id; anything else is
    // looked up rather than sent to GitHub.
    if (repo.installation !== undefined && /^[1-9]\d*$/.test(repo.installation)) {
      return Promise.resolve(Number(repo.installation));
    }
    let id = installations.get(repo.fullName);
    if (!id) {
      id = appJwt().then((jwt) => options.findInstallation(jwt, repo.fullName));
      // A failed lookup (not installed yet, a 5xx) is asked again next time.
      id.catch(() => installations.delete(repo.fullName));
      installations.set(repo.fullName, id);
    }
    return id;
  };

  return {
    appJwt,
    async installationToken(repo) {
      const id = await installationOf(repo);
      const cached = tokens.get(id);
      if (cached && options.now() < cached.refreshAt) return cached.token;
      let request = pending.get(id);
      if (!request) {
        request = mint(id).finally(() => pending.delete(id));
        pending.set(id, request);
      }
      return await request;
    },
    forget(token) {
      for (const [id, cached] of tokens) {
        if (cached.token === token) {
          tokens.delete(id);
          return true;
        }
      }
      return false;
    },
  };
}

/**
 * Signs the App's JWT (RS256): `iat` 60 s in the past so a server clock slightly ahead of
 * GitHub's is still accepted, `exp` 9 minutes ahead (GitHub refuses more than 10).
 * A numeric App ID is sent as a number, as older GitHub Enterprise Server versions expect.
 */
async function signAppJwt(appId: string, key: CryptoKey, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const iss = /^\d+$/.test(appId) ? Number(appId) : appId;
  const header = base64Url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const payload = base64Url(JSON.stringify({ iat: now - 60, exp: now + 540, iss }));
  const input = `${header}.${payload}`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    key,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64Url(new Uint8Array(signature))}`;
}

/**
 * Imports an RSA private key from PEM for RS256 signing. Web Crypto reads only PKCS#8, so a
 * PKCS#1 key (GitHub's download) is wrapped in a PKCS#8 envelope first.
 */
async function importRsaPrivateKey(pem: string): Promise<CryptoKey> {
  const pkcs1 = /-----BEGIN RSA PRIVATE KEY-----/.test(pem);
  const label = pkcs1 ? "RSA PRIVATE KEY" : "PRIVATE KEY";
  const match = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(pem);
  if (!match) {
    throw keyError(
      "the GitHub App private key is not a PEM RSA key " +
        "(BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)",
    );
  }
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = Uint8Array.from(atob(match[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw keyError("the GitHub App private key's PEM body is not valid base64");
  }
  try {
    return await crypto.subtle.importKey(
      "pkcs8",
      pkcs1 ? pkcs1ToPkcs8(der) : der,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
  } catch {
    // The underlying error is dropped on purpose: some engines quote the input.
    throw keyError("the GitHub App private key could not be imported as an RSA key");
  }
}

/** A broken key is configuration, not a passing failure: no retry can fix it. */
function keyError(message: string): PlatformError {
  return new PlatformError(message, { status: 0, retryable: false });
}

// AlgorithmIdentifier for rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters).
const RSA_ALGORITHM = Uint8Array.from(
  "300d06092a864886f70d0101010500".match(/../g)!,
  (byte) => parseInt(byte, 16),
);

/** PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption, OCTET STRING { RSAPrivateKey } } */
function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const octets = derTag(0x04, pkcs1);
  const body = new Uint8Array(3 + RSA_ALGORITHM.length + octets.length);
  body.set([0x02, 0x01, 0x00]);
  body.set(RSA_ALGORITHM, 3);
  body.set(octets, 3 + RSA_ALGORITHM.length);
  return derTag(0x30, body);
}

function derTag(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const length: number[] = [];
  if (content.length < 0x80) length.push(content.length);
  else {
    for (let n = content.length; n > 0; n = Math.floor(n / 256)) length.unshift(n % 256);
    length.unshift(0x80 | length.length);
  }
  const out = new Uint8Array(1 + length.length + content.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(content, 1 + length.length);
  return out;
}

function base64Url(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
