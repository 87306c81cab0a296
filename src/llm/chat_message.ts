/**
 * A message of a chat conversation with a model.
 * @module
 */

/** One turn of the conversation sent to a model, in the OpenAI chat format. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}
