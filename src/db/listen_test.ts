import assert from "node:assert/strict";
// @ts-types="npm:@types/pg@8.20.0"
import pg from "pg";
import { waitFor } from "../../tests/support/child.ts";
import { listenForever } from "./listen.ts";

const url = Deno.env.get("LOOM_TEST_POSTGRES_URL");

Deno.test({
  name: "listen: a LISTEN connection the server kills comes back, wakes once, and hears again",
  ignore: !url,
  async fn() {
    const channel = `loom_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    let wakes = 0;
    const states: (string | null)[] = [];
    const stop = await listenForever(
      () => new pg.Client({ connectionString: url }),
      channel,
      () => wakes++,
      { minDelayMs: 50, onState: (lost) => states.push(lost) },
    );
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`notify "${channel}"`);
      await waitFor(() => wakes === 1, 5_000, "the first notification");
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where query = $1`,
        [`listen "${channel}"`],
      );
      assert.equal(killed.rowCount, 1);
      // The catch-up wake after reconnecting: what was sent meanwhile was lost.
      await waitFor(() => wakes === 2, 5_000, "the wake after reconnecting");
      assert.equal(states.length, 2);
      assert.equal(states[1], null);
      await admin.query(`notify "${channel}"`);
      await waitFor(() => wakes === 3, 5_000, "a notification on the new connection");
    } finally {
      await admin.end();
      await stop();
    }
  },
});
