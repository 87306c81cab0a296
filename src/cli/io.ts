/**
 * What a command touches of the outside world, handed in so tests run commands in-process.
 * @module
 */

/** Output streams and environment of a command. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
  };
}

/** Exit codes every command shares. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
