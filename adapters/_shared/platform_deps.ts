/**
 * What building an adapter from settings may need from the outside world.
 * @module
 */

/** Handed to each platform's `…FromSettings`. */
export interface PlatformDeps {
  fetch?: typeof fetch;
  /** Reads a file named by a setting (a key file). */
  readFile: (path: string) => string;
}
