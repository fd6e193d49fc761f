// A panel's marker map as stored in snp_panels.marker_map: the ordered markers as gzip-compressed
// JSON (about 1 MB of JSON for a 60K chip shrinks to a few hundred KB). Order is the panel order
// every packed genotype row refers to, so it round-trips exactly.
import { gunzipSync, gzipSync } from "node:zlib";
import { SnpPanel, type AllelePair, type SnpMarker } from "@reprotech/genomics";

export function encodeMarkerMap(panel: SnpPanel): Uint8Array<ArrayBuffer> {
  const zipped = gzipSync(JSON.stringify(panel.markers), { level: 9 });
  return new Uint8Array(zipped.buffer.slice(zipped.byteOffset, zipped.byteOffset + zipped.byteLength));
}

const PAIR_SETS = ["top", "forward", "plus", "design"] as const;

export function decodeMarkerMap(bytes: Uint8Array): SnpPanel {
  const markers = JSON.parse(gunzipSync(bytes).toString("utf8")) as SnpMarker[];
  // A 60K chip's four allele sets are 240,000 two-letter arrays but only a few dozen distinct
  // pairs: sharing one array per pair takes the decoded panel from ~25 MB of heap to ~10 MB, held
  // by every parse thread and server that keeps the panel. (Pairs are readonly: sharing is safe.)
  const shared = new Map<string, AllelePair>();
  for (const marker of markers as { -readonly [K in keyof SnpMarker]: SnpMarker[K] }[])
    for (const set of PAIR_SETS) {
      const pair = marker[set];
      if (!pair) continue;
      const key = `${pair[0]}\u0000${pair[1]}`;
      const one = shared.get(key);
      if (one) marker[set] = one;
      else shared.set(key, pair);
    }
  return new SnpPanel(markers);
}
