/**
 * Sums up a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions with the most self
 * time, and the total time spent under each function whose name matches `--under` (time spent
 * inside a function and everything it called, counted once even when it recurses).
 *
 *   deno run -A tools/cpu_profile.ts FILE.cpuprofile [--top 40] [--under 'regex'] [--from MS --to MS]
 *
 * `--from`/`--to` keep only the samples taken in that window (milliseconds from the profile's
 * start), to look at one phase of a benchmark.
 * @module
 */
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A frame as one line: function, file (its last two path parts) and line. */
function frameName(frame: CallFrame): string {
  const file = frame.url.split("/").slice(-2).join("/");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

/** Self and inclusive milliseconds per frame name, over the samples in [from, to). */
export function summarise(
  profile: Profile,
  from = 0,
  to = Infinity,
): { self: Map<string, number>; total: Map<string, number>; ms: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let at = 0;
  let ms = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] / 1000;
    at += dt;
    if (at < from || at >= to) continue;
    ms += dt;
    const leaf = byId.get(profile.samples[i])!;
    const name = frameName(leaf.callFrame);
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = frameName(byId.get(id)!.callFrame);
      if (seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + dt);
    }
  }
  return { self, total, ms };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      top: { type: "string", default: "40" },
      under: { type: "string" },
      from: { type: "string", default: "0" },
      to: { type: "string" },
    },
  });
  const top = Number(values.top);
  for (const file of positionals) {
    const profile = JSON.parse(await Deno.readTextFile(file)) as Profile;
    const { self, total, ms } = summarise(
      profile,
      Number(values.from),
      values.to === undefined ? Infinity : Number(values.to),
    );
    const idle = [...self].filter(([k]) => /^\(idle\)/.test(k)).reduce((a, [, v]) => a + v, 0);
    console.log(`${file}: ${ms.toFixed(0)} ms sampled, ${(ms - idle).toFixed(0)} ms busy`);
    console.log("self ms:");
    for (const [name, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${v.toFixed(1).padStart(8)}  ${name}`);
    }
    if (values.under) {
      const pattern = new RegExp(values.under);
      console.log(`total ms under /${values.under}/:`);
      for (
        const [name, v] of [...total].filter(([k]) => pattern.test(k)).sort((a, b) => b[1] - a[1])
          .slice(0, top)
      ) {
        console.log(`  ${v.toFixed(1).padStart(8)}  ${name}`);
      }
    }
  }
}
