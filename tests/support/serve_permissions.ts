/**
 * Reading the Deno permissions `loom serve` runs with from where they are defined: the `serve`
 * task of deno.json. The Dockerfile and the `compile` task copy them (with their own data
 * directory); `tests/least_privilege_test.ts` keeps the copies equal.
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

/** The permission flags of a `deno run` or `deno compile` command line, in order. */
export function permissionFlags(command: string): string[] {
  return command.split(/\s+/).filter((word) =>
    /^(-A|--allow-all|--allow-[a-z]+(=\S+)?|-P\S*|--permission-set\S*)$/.test(word)
  );
}
