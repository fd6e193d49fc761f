// Reading an upload's spool file while the server is still writing it (the read-ahead job,
// read-ahead.ts). The upload route writes the body in place (FileBlobStore.spool) and, once it is
// whole, either moves the file to the upload's key — a rename: same inode, every byte written — or
// deletes it (refused, repeated or abandoned upload). So a reader at the current end of the file
// looks again until the spool's path is gone: moved, and the file it holds open is whole; or
// deleted (no links left), and no upload will come of it. A spool that stops growing for
// `idleMs` (a server that died mid-body) is given up too.
import { open, stat } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import type { BlobReader } from "./blob-store";

/** How long a reader at the end of a growing spool waits before it looks again. */
const POLL_MS = 10;

export interface FollowOptions {
  /** How long the spool may stay the same size before the reader gives it up. */
  idleMs: number;
}

/** The spool was deleted, or stopped growing: no upload will be recorded from it. */
export class SpoolAbandoned extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpoolAbandoned";
  }
}

export interface SpoolReader extends BlobReader {
  /** Up to the first `n` bytes, once that many arrived (or the file is whole); the read position stays. */
  head(n: number): Promise<{ bytes: Uint8Array; whole: boolean }>;
  /** Bytes handed out by read() so far. */
  readonly position: number;
  /** True once every byte read() hands out is all the file will ever hold (it has been read to its end). */
  readonly ended: boolean;
  /** Whether the file is still linked somewhere (a moved spool is; a refused or repeated one is not). */
  linked(): Promise<boolean>;
  /** The bytes in the file now. */
  size(): Promise<number>;
}

/** Opens the spool at `file` for following; undefined when it is already gone. */
export async function followSpool(file: string, options: FollowOptions): Promise<SpoolReader | undefined> {
  const handle = await open(file, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!handle) return undefined;
  let position = 0;
  let whole = false;
  let ended = false;
  let seenSize = 0;
  let grewAt = Date.now();

  /** Resolves once the file holds more than `past` bytes or is whole; throws once it is abandoned. */
  async function waitBeyond(past: number): Promise<void> {
    for (;;) {
      const { size } = await handle!.stat();
      if (size > seenSize) {
        seenSize = size;
        grewAt = Date.now();
      }
      if (size > past) return;
      // Path first, links second: a spool deleted between the two calls is still seen as deleted.
      const moved = await stat(file).then(
        () => false,
        () => true,
      );
      if ((await handle!.stat()).nlink === 0) throw new SpoolAbandoned("the upload's spool was deleted");
      if (moved) {
        whole = true;
        return;
      }
      if (Date.now() - grewAt > options.idleMs)
        throw new SpoolAbandoned(`the upload's spool has not grown for ${options.idleMs} ms`);
      await delay(POLL_MS);
    }
  }

  return {
    get position() {
      return position;
    },
    get ended() {
      return ended;
    },
    async read(into) {
      for (;;) {
        const { bytesRead } = await handle.read(into, 0, into.length, position);
        if (bytesRead > 0) {
          position += bytesRead;
          return bytesRead;
        }
        if (whole) {
          ended = true;
          return 0;
        }
        await waitBeyond(position);
      }
    },
    async head(n) {
      for (;;) {
        const { size } = await handle.stat();
        if (size >= n || whole) {
          const bytes = new Uint8Array(Math.min(n, size));
          const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
          return { bytes: bytes.subarray(0, bytesRead), whole: whole && size <= n };
        }
        await waitBeyond(size);
      }
    },
    async linked() {
      return (await handle.stat()).nlink > 0;
    },
    async size() {
      return (await handle.stat()).size;
    },
    close: () => handle.close(),
  };
}
