/**
 * Stable stand-ins for git object ids, so that what a fake seeds gets distinct, repeatable
 * hashes without a repository.
 * @module
 */

/** A stable 40-hex "SHA" from a label (FNV-1a rounds): the same label, the same hash. */
export function fakeSha(label: string): string {
  let h = 2166136261;
  let out = "";
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${round}:${label}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}
