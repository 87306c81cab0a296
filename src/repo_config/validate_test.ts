import assert from "node:assert/strict";
import { formatConfigError } from "./config_error.ts";
import { validateConfigFile } from "./validate.ts";

const CONFIG = `models:
  default: {base_url: "http://localhost:11434/v1", model: m}
pipelines:
  - name: security
    prompt_file: builtin:security
  - name: style
    prompt_file: .loom/prompts/style.md
  - name: docs
    prompt_file: .loom/prompts/docs.md
`;

function fakeFs(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    readFile: (path: string) => {
      reads.push(path);
      return Promise.resolve(files[path] ?? null);
    },
  };
}

async function validate(files: Record<string, string>, file = ".loom/config.yaml") {
  const fs = fakeFs(files);
  const errors = await validateConfigFile({
    file,
    readFile: fs.readFile,
    policy: { allowedKeyEnvs: [], allowedBaseUrls: ["http://localhost:11434"] },
    loadBuiltin: (name) => Promise.resolve(`builtin ${name}: {{diff}}`),
  });
  return { errors: errors.map(formatConfigError), reads: fs.reads };
}

Deno.test("a valid config with existing, valid prompts has no errors", async () => {
  const { errors, reads } = await validate({
    ".loom/config.yaml": CONFIG,
    ".loom/prompts/style.md": "Style of {{ files }}:\n{{diff}}",
    ".loom/prompts/docs.md": "Docs only.",
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(reads, [
    ".loom/config.yaml",
    ".loom/prompts/style.md",
    ".loom/prompts/docs.md",
  ]);
});

Deno.test("prompt paths are relative to the folder above .loom/", async () => {
  const { errors, reads } = await validate({
    "repo/.loom/config.yaml": CONFIG,
    "repo/.loom/prompts/style.md": "{{diff}}",
    "repo/.loom/prompts/docs.md": "{{diff}}",
  }, "repo/.loom/config.yaml");
  assert.deepEqual(errors, []);
  assert.deepEqual(reads.slice(1), ["repo/.loom/prompts/style.md", "repo/.loom/prompts/docs.md"]);
});

Deno.test("a missing prompt file is reported at its prompt_file in the config", async () => {
  const { errors } = await validate({
    ".loom/config.yaml": CONFIG,
    ".loom/prompts/style.md": "{{diff}}",
  });
  assert.deepEqual(errors, [
    ".loom/config.yaml:9:18: pipelines[2].prompt_file: prompt file not found: " +
    ".loom/prompts/docs.md",
  ]);
});

Deno.test("unknown placeholders are reported in the prompt file's own coordinates", async () => {
  const { errors } = await validate({
    ".loom/config.yaml": CONFIG,
    ".loom/prompts/style.md": "# Style\n\nAuthor: {{author}}\n{{diff}}",
    ".loom/prompts/docs.md": "{{ diffs }}",
  });
  assert.deepEqual(errors.map((e) => e.split(": ")[0] + ": " + e.split(": ")[1].split(";")[0]), [
    ".loom/prompts/style.md:3:9: unknown placeholder {{author}}",
    ".loom/prompts/docs.md:1:1: unknown placeholder {{diffs}}",
  ]);
});

Deno.test("a prompt used by several pipelines is checked once", async () => {
  const config = CONFIG.replace(".loom/prompts/docs.md", ".loom/prompts/style.md");
  const { errors, reads } = await validate({
    ".loom/config.yaml": config,
    ".loom/prompts/style.md": "{{nope}}",
  });
  assert.equal(errors.length, 1);
  assert.deepEqual(reads, [".loom/config.yaml", ".loom/prompts/style.md"]);
});

Deno.test("config errors are returned without reading any prompt", async () => {
  const { errors, reads } = await validate({
    ".loom/config.yaml": CONFIG.replace("model: m}", "model: m, colour: red}"),
  });
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^\.loom\/config\.yaml:2:62: unknown key "colour"/);
  assert.deepEqual(reads, [".loom/config.yaml"]);
});

Deno.test("a missing config file is one error", async () => {
  const { errors } = await validate({});
  assert.deepEqual(errors, [".loom/config.yaml:1:1: config file not found"]);
});
