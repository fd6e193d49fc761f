// A panel's marker map as stored in snp_panels.marker_map: the ordered markers as gzip-compressed
// JSON (about 1 MB of JSON for a 60K chip shrinks to a few hundred KB). Order is the panel order
// every packed genotype row refers to, so it round-trips exactly.
import { gunzipSync, gzipSync } from "node:zlib";
import { SnpPanel, type SnpMarker } from "@reprotech/genomics";

export function encodeMarkerMap(panel: SnpPanel): Uint8Array<ArrayBuffer> {
  const zipped = gzipSync(JSON.stringify(panel.markers), { level: 9 });
  return new Uint8Array(zipped.buffer.slice(zipped.byteOffset, zipped.byteOffset + zipped.byteLength));
}

export function decodeMarkerMap(bytes: Uint8Array): SnpPanel {
  return new SnpPanel(JSON.parse(gunzipSync(bytes).toString("utf8")) as SnpMarker[]);
}
