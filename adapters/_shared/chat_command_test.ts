import assert from "node:assert/strict";
import { chatCommand } from "./chat_command.ts";

Deno.test("the first line's /loom review and /loom help are commands, whatever their case", () => {
  assert.equal(chatCommand("/loom review"), "review");
  assert.equal(chatCommand("  /LOOM Review  \nthanks"), "review");
  assert.equal(chatCommand("/loom help"), "help");
  assert.equal(chatCommand("/loom\r\nmore"), "help");
});

Deno.test("/loom alone or with an unknown word asks for help", () => {
  assert.equal(chatCommand("/loom"), "help");
  assert.equal(chatCommand("/loom\tdance"), "help");
  assert.equal(chatCommand("/loom reviews"), "help");
});

Deno.test("anything else is not a command", () => {
  assert.equal(chatCommand(""), null);
  assert.equal(chatCommand("/loomy review"), null);
  assert.equal(chatCommand("please /loom review"), null);
  assert.equal(chatCommand("lgtm\n/loom review"), null);
});
