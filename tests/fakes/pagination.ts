/**
 * Page-numbered lists as the fake platforms serve them: `?page=N` and a page size parameter,
 * and the URLs of other pages for `Link` headers or `next` fields. Which links a platform sends,
 * in which order, stays in its fake.
 * @module
 */

/** One page of a list; see {@link pageOf}. */
export interface Page<T> {
  /** 1-based. */
  page: number;
  /** The page size used, after clamping. */
  size: number;
  /** The number of the last page; 1 for an empty list. */
  last: number;
  items: T[];
}

/** How a platform sizes its pages. */
export interface PageSize {
  /** The query parameter: `per_page`, `limit`, `pagelen`. */
  param: string;
  /** The size when the parameter is absent or not a number. */
  byDefault: number;
  /** The largest page the platform serves, whatever is asked. */
  max: number;
}

/** The page of `items` the request asks for with `page` and the size parameter. */
export function pageOf<T>(url: URL, items: T[], size: PageSize): Page<T> {
  const perPage = Math.min(
    size.max,
    Math.max(1, Number(url.searchParams.get(size.param)) || size.byDefault),
  );
  const page = Math.max(1, Number(url.searchParams.get("page")) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  return { page, size: perPage, last, items: items.slice((page - 1) * perPage, page * perPage) };
}

/** `url` asking for page `page`, with the parameters of `set` set too. */
export function pageUrl(url: URL | string, page: number, set: Record<string, string> = {}): string {
  const u = new URL(url);
  u.searchParams.set("page", String(page));
  for (const [name, value] of Object.entries(set)) u.searchParams.set(name, value);
  return u.href;
}

/** One entry of a `Link` header: `<url of page n>; rel="rel"`. */
export function pageLink(
  url: URL | string,
  page: number,
  rel: string,
  set: Record<string, string> = {},
): string {
  return `<${pageUrl(url, page, set)}>; rel="${rel}"`;
}
