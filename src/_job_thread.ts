/**
 * The entry module of a job thread (a Deno Worker `src/server.ts` starts): it runs the server's
 * job runtime ({@link startJobThread}) as the HTTP thread asks ({@link serveJobThread}). The
 * compile task `--include`s it, so the one binary carries it.
 * @module
 */
import { type JobThreadInit, startJobThread } from "./server.ts";
import { serveJobThread } from "./worker/mod.ts";

// The start message is the HTTP thread's own JobThreadInit.
serveJobThread((init, parent) => startJobThread(init as JobThreadInit, parent));
