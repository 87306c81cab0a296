/**
 * `loom version`: the version of this build.
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import type { CliIo } from "./io.ts";

/** Loom's version, from deno.json. */
export const VERSION: string = denoJson.version;

/** Prints `loom VERSION (deno X)`. */
export function versionCommand(_args: string[], io: CliIo): number {
  io.stdout(`loom ${VERSION} (deno ${Deno.version.deno})`);
  return 0;
}
