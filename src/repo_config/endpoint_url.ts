/**
 * Whether a model endpoint named by a repository config lies under one the operator listed.
 * The comparison is what the receiving server will see, not what the text looks like: the path
 * is percent-decoded and its `.`/`..` segments resolved before prefixes are compared, so
 * `https://api.openai.com/v1/..%2F..%2Fadmin` is `/admin`, not a path under `/v1`.
 * @module
 */

/** A URL as compared: scheme, host and port (`origin`), and the decoded, resolved path. */
interface ComparableUrl {
  origin: string;
  hostname: string;
  path: string;
  credentials: boolean;
}

/**
 * Whether `url` is one of `allowed` or lies beneath one of them. Prefixes match at a `/`
 * boundary, on the same scheme, host and port (so plain `http` passes only for an entry that
 * is itself `http`, and a loopback, link-local or private address only when an entry names that
 * very host), after normalising both: case of host, default ports, percent-escapes (`%2F`),
 * `.`/`..` segments, backslashes, repeated and trailing slashes. A URL carrying credentials
 * never matches, nor one whose path does not decode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBaseUrlAllowed } from "./endpoint_url.ts";
 *
 * const allowed = ["https://api.openai.com/v1"];
 * assert.equal(isBaseUrlAllowed("https://api.openai.com/v1/", allowed), true);
 * assert.equal(isBaseUrlAllowed("https://api.openai.com.evil.net/v1", allowed), false);
 * assert.equal(isBaseUrlAllowed("https://api.openai.com/v1/..%2F..%2Fadmin", allowed), false);
 * assert.equal(isBaseUrlAllowed("http://api.openai.com/v1", allowed), false);
 * ```
 */
export function isBaseUrlAllowed(url: string, allowed: readonly string[]): boolean {
  const candidate = comparable(url);
  if (!candidate || candidate.credentials) return false;
  return allowed.some((entry) => {
    const prefix = comparable(entry);
    if (!prefix) return false;
    return candidate.origin === prefix.origin &&
      (prefix.path === "" || candidate.path === prefix.path ||
        candidate.path.startsWith(prefix.path + "/"));
  });
}

/**
 * Whether `url`'s host is loopback, link-local or in a private range (or `localhost`): an
 * endpoint inside the server's network, which a config may reach only when the operator
 * listed that host. Used to say so in the refusal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isInternalHost } from "./endpoint_url.ts";
 *
 * assert.equal(isInternalHost("http://169.254.169.254/latest"), true);
 * assert.equal(isInternalHost("https://api.openai.com/v1"), false);
 * ```
 */
export function isInternalHost(url: string): boolean {
  if (!URL.canParse(url.trim())) return false;
  const host = new URL(url.trim()).hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = ipv4(host);
  if (v4) return internalV4(v4);
  if (!host.startsWith("[")) return false;
  const v6 = host.slice(1, -1);
  if (v6 === "::1" || v6 === "::") return true;
  const mapped = /^::ffff:(.+)$/.exec(v6)?.[1];
  if (mapped) return internalV4(ipv4(mapped) ?? mappedHex(mapped));
  return /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6); // fc00::/7 unique local, fe80::/10 link-local
}

function ipv4(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  return parts.map(Number);
}

// `::ffff:7f00:1` is how the URL parser writes `::ffff:127.0.0.1`.
function mappedHex(text: string): number[] {
  const [hi, lo] = text.split(":").map((h) => parseInt(h, 16));
  return [hi >> 8, hi & 255, lo >> 8, lo & 255];
}

function internalV4([a, b]: number[]): boolean {
  return a === 127 || a === 10 || a === 0 || (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127); // carrier-grade NAT, often internal
}

function comparable(text: string): ComparableUrl | undefined {
  if (!URL.canParse(text.trim())) return undefined;
  const url = new URL(text.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const path = resolvedPath(url.pathname);
  if (path === undefined) return undefined;
  return {
    origin: url.origin,
    hostname: url.hostname,
    path,
    credentials: url.username !== "" || url.password !== "",
  };
}

// Decodes until stable (a server may decode twice: `%252F`), then resolves the segments the way
// a server that decodes before routing would. Undefined when an escape is malformed.
function resolvedPath(pathname: string): string | undefined {
  let path = pathname;
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded === path) break;
    path = decoded;
  }
  if (/%[0-9a-f]{2}/i.test(path)) return undefined; // still encoded after three rounds
  const out: string[] = [];
  for (const segment of path.replaceAll("\\", "/").split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return out.length === 0 ? "" : "/" + out.join("/");
}
