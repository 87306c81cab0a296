import assert from "node:assert/strict";
import { followPages, insideApiRoot, nextLink } from "./paginate.ts";

Deno.test("nextLink takes the rel=next entry of a Link header, wherever it stands", () => {
  const header = '<https://h/x?page=1>; rel="prev", <https://h/x?page=3>; rel="next", ' +
    '<https://h/x?page=9>; rel="last"';
  assert.equal(nextLink(header), "https://h/x?page=3");
  assert.equal(nextLink("<https://h/x?page=2>; rel=next"), "https://h/x?page=2");
  assert.equal(nextLink('<https://h/x?page=2>; rel="next last"'), "https://h/x?page=2");
});

Deno.test("nextLink is null without a header or a next entry", () => {
  assert.equal(nextLink(null), null);
  assert.equal(nextLink(""), null);
  assert.equal(nextLink('<https://h/x?page=9>; rel="last"'), null);
});

Deno.test("insideApiRoot wants the same origin and a path below the root", () => {
  const base = new URL("https://h/api/v4/");
  assert.equal(insideApiRoot(new URL("https://h/api/v4/projects?page=2"), base), true);
  assert.equal(insideApiRoot(new URL("https://evil/api/v4/projects"), base), false);
  assert.equal(insideApiRoot(new URL("http://h/api/v4/projects"), base), false);
  assert.equal(insideApiRoot(new URL("https://h/other"), base), false);
});

const urlOf = (path: string) => new URL(path, "https://h/");

Deno.test("followPages reads page after page until none is named", async () => {
  const pages: Record<string, { items: number[]; next: string | null }> = {
    "/1": { items: [1, 2], next: "/2" },
    "/2": { items: [3], next: "/3" },
    "/3": { items: [], next: null },
  };
  const asked: string[] = [];
  const all = await followPages<string, number>("/1", urlOf, (path, url) => {
    asked.push(url.pathname);
    return Promise.resolve(pages[path]);
  });
  assert.deepEqual(all, [1, 2, 3]);
  assert.deepEqual(asked, ["/1", "/2", "/3"]);
});

Deno.test("followPages stops at a page it has already read", async () => {
  let calls = 0;
  const all = await followPages<string, number>("/1", urlOf, () => {
    calls++;
    return Promise.resolve({ items: [calls], next: "/1" });
  });
  assert.deepEqual(all, [1]);
});

Deno.test("followPages gives up after a thousand pages", async () => {
  let n = 0;
  const all = await followPages<string, number>("/0", urlOf, () => {
    n++;
    return Promise.resolve({ items: [n], next: `/${n}` });
  });
  assert.equal(all.length, 1_000);
});

Deno.test("followPages lets urlOf refuse a next page", async () => {
  const refuse = (path: string) => {
    const url = urlOf(path);
    if (!insideApiRoot(url, new URL("https://h/api/"))) throw new Error(`outside: ${url.href}`);
    return url;
  };
  await assert.rejects(
    followPages<string, number>(
      "/api/1",
      refuse,
      () => Promise.resolve({ items: [1], next: "https://evil/api/2" }),
    ),
    /outside: https:\/\/evil\/api\/2/,
  );
});
