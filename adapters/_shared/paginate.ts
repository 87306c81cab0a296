/**
 * Following a platform's paginated lists to the end, without ever sending the credentials
 * outside its API.
 * @module
 */

// A loop guard far above any list a pull request has (GitHub caps a diff at 3,000 files,
// Bitbucket pages hold 100 comments, GitLab caps offset pagination at 50,000 rows).
const MAX_PAGES = 1_000;

/**
 * The URL of the `rel="next"` entry of a `Link` header (RFC 8288), as sent; null when there is
 * none. `rel` may list several relations (`rel="next last"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextLink } from "./paginate.ts";
 *
 * const link = '<https://api.github.com/x?page=2>; rel="next", ' +
 *   '<https://api.github.com/x?page=5>; rel="last"';
 * assert.equal(nextLink(link), "https://api.github.com/x?page=2");
 * assert.equal(nextLink('<https://api.github.com/x?page=1>; rel="prev"'), null);
 * ```
 */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(m[2])) return m[1];
  }
  return null;
}

/**
 * Whether `url` lies at or below the API root `base` (same origin, path below it). Only such a
 * URL may be sent the credentials: a `next` link or a redirect may point anywhere.
 */
export function insideApiRoot(url: URL, base: URL): boolean {
  return url.origin === base.origin && url.pathname.startsWith(base.pathname);
}

/** One page of a list, and the request for the page after it (null after the last). */
export interface Page<R, T> {
  items: T[];
  next: R | null;
}

/**
 * Every item of a paginated list, page by page from `first`. `urlOf` resolves a request to its
 * URL and throws for one outside the API root, so a `next` link elsewhere stops the list with
 * the client's error instead of receiving the credentials; `page` reads one page. The list ends
 * when a page names no next one, at a URL already read (a server that ignores the page asked
 * for), or after a thousand pages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { followPages, insideApiRoot, nextLink } from "./paginate.ts";
 *
 * const base = new URL("https://api.example.com/v1/");
 * // A fake API: two pages of numbers joined by a `Link` header.
 * const pages: Record<string, Response> = {
 *   "/v1/items": Response.json([1, 2], { headers: { link: '</v1/items?page=2>; rel="next"' } }),
 *   "/v1/items?page=2": Response.json([3]),
 * };
 * const urlOf = (path: string) => {
 *   const url = new URL(path, base);
 *   if (!insideApiRoot(url, base)) throw new Error(`${url} is outside the API`);
 *   return url;
 * };
 * const all = await followPages<string, number>("/v1/items", urlOf, async (_path, url) => {
 *   const res = pages[url.pathname + url.search];
 *   const link = nextLink(res.headers.get("link"));
 *   return { items: await res.json() as number[], next: link };
 * });
 * assert.deepEqual(all, [1, 2, 3]);
 * ```
 */
export async function followPages<R, T>(
  first: R,
  urlOf: (req: R) => URL,
  page: (req: R, url: URL) => Promise<Page<R, T>>,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let next: R | null = first;
  while (next && seen.size < MAX_PAGES) {
    const url = urlOf(next);
    if (seen.has(url.href)) break;
    seen.add(url.href);
    const read: Page<R, T> = await page(next, url);
    out.push(...read.items);
    next = read.next;
  }
  return out;
}
