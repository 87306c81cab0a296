import assert from "node:assert/strict";
import { didYouMean } from "./_did_you_mean.ts";
import { problemsOf } from "../../tests/support/settings.ts";

Deno.test("unknown keys in loom.yaml are problems, with a hint for near misses", () => {
  const files = {
    "loom.yaml": [
      "prot: 1",
      "dbUrl: file:x.db",
      "worker: 2",
      "llm:",
      "  baseUrl: https://x",
      "  temperature: 0",
    ].join("\n"),
  };
  assert.deepEqual(problemsOf({ files }), [
    { name: "loom.yaml: prot", message: "unknown setting; did you mean port?" },
    { name: "loom.yaml: dbUrl", message: "unknown setting; did you mean db_url?" },
    { name: "loom.yaml: worker", message: "unknown setting; did you mean workers?" },
    { name: "loom.yaml: llm.baseUrl", message: "unknown setting; did you mean llm.base_url?" },
    {
      name: "loom.yaml: llm.temperature",
      message: "unknown setting (see the settings table in the README)",
    },
  ]);
});

Deno.test("didYouMean ignores case and underscores and gives up beyond two edits", () => {
  assert.equal(didYouMean("LogLevel", ["log_level", "port"]), "log_level");
  assert.equal(didYouMean("hots", ["host", "port"]), "host");
  assert.equal(didYouMean("temperature", ["host", "port"]), undefined);
});
