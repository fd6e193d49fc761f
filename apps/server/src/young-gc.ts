// Young-generation collections paced by upload bytes.
//
// Every chunk the socket delivers (64 KB) is a new Buffer whose bytes live outside V8's heap. An
// upload allocates little else, so no young collection comes along to free them, and V8 frees them
// only with full mark-compacts of the whole server heap (~55 MB, half a million objects), set off by
// its external-memory and old-generation limits: ~10 of them per 219 MB plate, about half the
// server's CPU during the upload, taken from the parse that runs beside it (bench:pipeline). A young
// collection every EVERY_BYTES frees the dead chunks in under a millisecond each.
//
// EVERY_BYTES must stay above the body bytes the upload's streams hold at once (three 1 MB stream
// buffers, BLOB_STREAM_BUFFER): a chunk still buffered at one collection is gone by the next, and
// is never promoted into the old generation, which only a full collection would clear.
//
// Collections need `--expose-gc` (the server's start script passes it, with
// `--heap-growing-percent=50`, without which V8 soon marks back to back instead: docs/architecture.md,
// memory); without it, as under `pnpm dev`, nothing is collected early.

/** Body bytes between two young collections. */
const EVERY_BYTES = 8 << 20;

export type Collect = (options: { type: "minor" }) => void;

/** Counts bytes and runs `collect` each time another `everyBytes` have gone by. */
export function youngCollector(collect: Collect | undefined, everyBytes = EVERY_BYTES): (bytes: number) => void {
  if (!collect) return () => {};
  let untilNext = everyBytes;
  return (bytes) => {
    untilNext -= bytes;
    if (untilNext > 0) return;
    untilNext = everyBytes;
    collect({ type: "minor" });
  };
}

/** The process's counter of upload body bytes (one for all uploads: it is the heap that fills). */
export const uploadBytesReceived = youngCollector((globalThis as { gc?: Collect }).gc);
