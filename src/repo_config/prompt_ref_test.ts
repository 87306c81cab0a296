import assert from "node:assert/strict";
import { loadPromptText, parsePromptRef } from "./prompt_ref.ts";

Deno.test("paths inside .loom/ and known built-ins are accepted", () => {
  assert.deepEqual(parsePromptRef(".loom/prompts/security.md"), {
    kind: "repo",
    path: ".loom/prompts/security.md",
  });
  assert.deepEqual(parsePromptRef(".loom/review.md"), { kind: "repo", path: ".loom/review.md" });
  assert.deepEqual(parsePromptRef("builtin:quality"), { kind: "builtin", name: "quality" });
});

Deno.test("paths that escape .loom/ or play tricks are refused", () => {
  for (
    const ref of [
      "../secrets.md",
      ".loom/../secrets.md",
      ".loom/prompts/../../x.md",
      "/etc/passwd",
      "/work/repo/.loom/x.md",
      ".loom\\..\\..\\x.md",
      ".loom/%2e%2e/x.md",
      ".loom//x.md",
      ".loom/./x.md",
      ".loom/",
      ".loom",
      "./.loom/x.md",
      "prompts/x.md",
      "~/.loom/x.md",
      ".loom/x.md\u0000",
      "C:/.loom/x.md",
      "builtin:../../etc/passwd",
      "builtin:summary",
      "https://example.com/prompt.md",
    ]
  ) {
    assert.equal(parsePromptRef(ref).kind, "invalid", JSON.stringify(ref));
  }
});

Deno.test("loadPromptText reads repo files through the reader and built-ins through theirs", async () => {
  const reads: string[] = [];
  const sources = {
    readRepoFile: (path: string) => {
      reads.push(path);
      return Promise.resolve(path === ".loom/a.md" ? "repo prompt" : null);
    },
    loadBuiltin: (name: string) => Promise.resolve(`builtin ${name}`),
  };
  assert.equal(await loadPromptText(".loom/a.md", sources), "repo prompt");
  assert.equal(await loadPromptText(".loom/missing.md", sources), null);
  assert.equal(await loadPromptText("builtin:security", sources), "builtin security");
  await assert.rejects(loadPromptText("../x.md", sources));
  assert.deepEqual(reads, [".loom/a.md", ".loom/missing.md"]);
});
