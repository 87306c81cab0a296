/**
 * The chat commands Loom answers on a pull request, described for people: the text `/loom help`
 * answers with. (Recognising a command in a comment is each platform's parse, in `adapters/`.)
 * @module
 */

/** The comment `/loom help` answers with. */
export const HELP_TEXT = `**Loom** commands, as a comment on this pull request:

- \`/loom review\`: review the pull request again, now, from scratch.
- \`/loom help\`: show this help.

Loom also reviews every new commit pushed to the pull request. Its settings live in
\`.loom/config.yaml\` on the base branch.`;
