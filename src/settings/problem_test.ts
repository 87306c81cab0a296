import assert from "node:assert/strict";
import { formatProblems } from "./problem.ts";

Deno.test("formatProblems writes one line per problem with the value quoted", () => {
  assert.equal(
    formatProblems([
      { name: "LOOM_PORT", value: "abc", message: "must be an integer between 0 and 65535" },
      { name: "loom.yaml line 3", message: "YAML syntax error: bad indentation" },
      { name: "--host", value: "", message: "must not be empty" },
    ]),
    [
      'LOOM_PORT="abc": must be an integer between 0 and 65535',
      "loom.yaml line 3: YAML syntax error: bad indentation",
      '--host="": must not be empty',
    ].join("\n"),
  );
});
