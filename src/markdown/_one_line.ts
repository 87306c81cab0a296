/** `text` with every run of whitespace, newlines included, collapsed to one space and trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
