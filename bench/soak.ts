/**
 * Soak benchmark: 1,000 signed GitHub deliveries over about 30 s to 20 pull requests of a real
 * `loom serve` (SQLite), with random faults injected into the fake GitHub and the fake model
 * (seeded: the seed is in the line; `--seed N` replays its draws), then waits for the queue to
 * drain and prints one JSON line: how many deliveries were accepted, how many ended in a final
 * state, how many were lost or posted twice (counted on the fake), the faults injected and the
 * server's peak memory. See `tests/support/soak.ts`.
 *
 *   deno task bench:soak [--deliveries 1000] [--seconds 30] [--prs 20] [--seed N]
 */
import { parseArgs } from "node:util";
import { runSoak } from "../tests/support/soak.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    deliveries: { type: "string", default: "1000" },
    seconds: { type: "string", default: "30" },
    prs: { type: "string", default: "20" },
    seed: { type: "string" },
  },
});

const figures = await runSoak({
  deliveries: Number(values.deliveries),
  seconds: Number(values.seconds),
  pullRequests: Number(values.prs),
  seed: values.seed === undefined ? undefined : Number(values.seed),
  drainMs: 300_000,
});
console.log(JSON.stringify(figures));
