import assert from "node:assert/strict";
import { checkRequestBody, checkSchema } from "./openapi.ts";

Deno.test("the bodies Loom sends conform to GitHub's published description", async () => {
  const ok: [string, string, unknown][] = [
    ["post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      commit_id: "a".repeat(40),
      event: "COMMENT",
      body: "",
      comments: [{
        path: "a.ts",
        line: 3,
        side: "RIGHT",
        start_line: 1,
        start_side: "RIGHT",
        body: "x",
      }],
    }],
    ["post", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", {
      commit_id: "a".repeat(40),
      path: "a.ts",
      line: 3,
      side: "RIGHT",
      body: "x",
    }],
    ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments", { body: "x" }],
    ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}", { body: "x" }],
    ["post", "/repos/{owner}/{repo}/statuses/{sha}", { state: "success", context: "loom" }],
    ["post", "/app/installations/{installation_id}/access_tokens", undefined],
  ];
  for (const [method, path, body] of ok) {
    assert.deepEqual(await checkRequestBody(method, path, body), [], `${method} ${path}`);
  }
});

Deno.test("wrong bodies and unknown operations are named precisely", async () => {
  assert.deepEqual(
    await checkRequestBody("post", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", {
      commit_id: "a",
      path: "a.ts",
      line: 3,
      side: "right",
      body: "x",
    }),
    ['body.side: "right" is not one of LEFT, RIGHT'],
  );
  assert.deepEqual(
    await checkRequestBody("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}", {}),
    ["body.body: is required"],
  );
  assert.deepEqual(
    await checkRequestBody("post", "/repos/{owner}/{repo}/statuses/{sha}", undefined),
    ["body is required"],
  );
  assert.deepEqual(await checkRequestBody("put", "/nowhere", {}), [
    "GitHub documents no PUT /nowhere",
  ]);
});

Deno.test("the checker follows $ref and handles oneOf, anyOf, allOf and nullable", () => {
  const root = {
    components: {
      schemas: {
        id: { type: "integer", minimum: 1 },
        named: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      },
    },
  };
  const schema = {
    type: "object",
    properties: {
      id: { $ref: "#/components/schemas/id" },
      label: { oneOf: [{ type: "string", maxLength: 3 }, { type: "integer" }] },
      tag: { anyOf: [{ type: "string" }, { type: "null" }] },
      note: { type: "string", nullable: true },
      owner: { allOf: [{ $ref: "#/components/schemas/named" }] },
      list: { type: "array", items: { type: "integer" }, maxItems: 2 },
    },
  };
  assert.deepEqual(
    checkSchema(
      { id: 1, label: "abc", tag: null, note: null, owner: { name: "x" }, list: [1] },
      schema,
      root,
      "body",
    ),
    [],
  );
  assert.deepEqual(
    checkSchema(
      { id: 0, label: "abcd", tag: 3, owner: {}, list: [1, "2", 3] },
      schema,
      root,
      "body",
    ),
    [
      "body.id: below 1",
      "body.label: matches none of the oneOf alternatives (body.label: longer than 3 characters | body.label: expected integer, got string)",
      "body.tag: matches none of the anyOf alternatives (body.tag: expected string, got number | body.tag: expected null, got number)",
      "body.owner.name: is required",
      "body.list: more than 2 items",
      "body.list[1]: expected integer, got string",
    ],
  );
});
