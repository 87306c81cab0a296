/**
 * Reading how `loom serve` runs from where it is defined, the `serve` task of deno.json: its Deno
 * permissions and its V8 flags. The Dockerfile and the `compile` task copy both (the permissions
 * with their own data directory); `tests/least_privilege_test.ts` and
 * `tests/runtime_flags_test.ts` keep the copies equal, and the tests' and benchmarks' `loom serve`
 * children run with the same V8 flags.
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** A task of deno.json, as written. */
export async function denoTask(name: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const task = config.tasks?.[name];
  if (typeof task !== "string") throw new Error(`deno.json has no task ${name}`);
  return task;
}

/** The Dockerfile's `CMD`, as one command line. */
export async function dockerCommand(): Promise<string> {
  const cmd = /^CMD \[(.*)\]$/m.exec(await Deno.readTextFile(new URL("Dockerfile", ROOT)))?.[1];
  if (cmd === undefined) throw new Error("the Dockerfile has no CMD [...] line");
  return (JSON.parse(`[${cmd}]`) as string[]).join(" ");
}

/** The permission flags of a `deno run` or `deno compile` command line, in order. */
export function permissionFlags(command: string): string[] {
  return command.split(/\s+/).filter((word) =>
    /^(-A|--allow-all|--allow-[a-z]+(=\S+)?|-P\S*|--permission-set\S*)$/.test(word)
  );
}

/** The `--v8-flags=…` words of a `deno run` or `deno compile` command line, in order. */
export function v8Flags(command: string): string[] {
  return command.split(/\s+/).filter((word) => word.startsWith("--v8-flags="));
}
