// Where raw genotype files live. The database keeps only a key, the size and the SHA-256; the bytes
// go to a blob store. put() computes size and SHA-256 while the bytes stream through, so a 2 GB
// file is never held twice. The filesystem store (the default, under DATA_DIR/blobs) writes to a
// temporary file beside the target and renames it into place: a reader never sees half a blob. With
// S3_BUCKET set the blobs go to S3 instead (blob-store-s3.ts), under the same keys.
// Keys are built by the application from ids only (see uploadBlobKey) — never from a file name.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, openAsBlob } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "@reprotech/core";
import { S3BlobStore } from "./blob-store-s3";
import { followSpool, type FollowOptions, type SpoolReader } from "./spool-follow";

export { S3BlobStore, S3_PART_SIZE, S3_QUEUE_SIZE, type S3BlobStoreOptions } from "./blob-store-s3";
export { SpoolAbandoned, type FollowOptions, type SpoolReader } from "./spool-follow";

export interface StoredBlob {
  bytes: number;
  /** Lower-case hex SHA-256 of the bytes stored. */
  sha256: string;
}

/** A blob read into the caller's own buffers, front to back. */
export interface BlobReader {
  /** Fills the start of `into`; the bytes read, 0 at the end. */
  read(into: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

export type BlobSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Readable;

export interface BlobStore {
  /** Stores the stream under `key` (replacing any blob there) and reports its size and SHA-256. */
  put(key: string, source: BlobSource): Promise<StoredBlob>;
  /** The blob's bytes; NOT_FOUND-style error (code "ENOENT") when there is none. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Removes the blob; a missing blob is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;

/** Refuses anything but lower-case slash-separated segments of [a-z0-9-] (no dots: no `..`, no absolute paths). */
export function assertBlobKey(key: string): void {
  if (!KEY.test(key) || key.length > 300) throw new Error(`Not a blob key: ${JSON.stringify(key)}`);
}

/** The key of an upload's raw file: ids only, nothing the user supplied. */
export function uploadBlobKey(customerId: string, uploadId: string): string {
  const key = `raw-snp-files/customer-${customerId.toLowerCase()}/${uploadId.toLowerCase()}`;
  assertBlobKey(key);
  return key;
}

export function toReadable(source: BlobSource): Readable {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function")
    return Readable.fromWeb(source as Parameters<typeof Readable.fromWeb>[0]);
  return Readable.from(source as AsyncIterable<Uint8Array>);
}

/**
 * Buffering of the streams a blob flows through on its way in. Node's 16 KB default makes every
 * 64 KB socket chunk wait for the file write before the next is read: a 220 MB upload over loopback
 * took ~1.0 s through the hash and the file instead of ~0.6 s (tests/bench/genotype-pipeline.ts).
 */
export const BLOB_STREAM_BUFFER = 1 << 20;

/** Counts and hashes the bytes flowing through. */
export function measuring(): { stream: Transform; result: () => StoredBlob } {
  const hash = createHash("sha256");
  let bytes = 0;
  const stream = new Transform({
    highWaterMark: BLOB_STREAM_BUFFER,
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest("hex") }) };
}

export class FileBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, source: BlobSource): Promise<StoredBlob> {
    const target = this.pathOf(key);
    const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    return this.write(temp, source, () => rename(temp, target));
  }

  /**
   * Stores the stream at `key` itself, with no temporary file, so another process can read the file
   * while it grows (followSpool). Only for keys nobody takes for a finished blob: the upload route's
   * spool, which is then moved into place (promote) or deleted.
   */
  async spool(key: string, source: BlobSource, options: { created?: () => void } = {}): Promise<StoredBlob> {
    return this.write(this.pathOf(key), source, async () => {}, options.created);
  }

  /** Follows the spool at `key` as it grows (spool-follow.ts); undefined when there is none. */
  follow(key: string, options: FollowOptions): Promise<SpoolReader | undefined> {
    return followSpool(this.pathOf(key), options);
  }

  /**
   * Writes a new file — `created` is called once it exists, before a byte is read from `source` —
   * then runs `finish`; on any failure the file is removed.
   */
  private async write(
    file: string,
    source: BlobSource,
    finish: () => Promise<void>,
    created?: () => void,
  ): Promise<StoredBlob> {
    await mkdir(path.dirname(file), { recursive: true });
    const measure = measuring();
    const out = createWriteStream(file, { fd: await open(file, "wx"), highWaterMark: BLOB_STREAM_BUFFER });
    try {
      created?.();
      await pipeline(toReadable(source), measure.stream, out);
      await finish();
    } catch (error) {
      out.destroy();
      await rm(file, { force: true });
      throw error;
    }
    return measure.result();
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    await stat(file); // ENOENT here, not on the first read
    return createReadStream(file);
  }

  /**
   * The blob read into buffers the caller owns: a stream allocates a new chunk per read, and a 220 MB
   * file streamed that way leaves ~64 MB of dead chunks in the process before V8 collects them.
   */
  async openReader(key: string): Promise<BlobReader> {
    const handle = await open(this.pathOf(key), "r");
    return {
      read: async (into) => (await handle.read(into, 0, into.length)).bytesRead,
      close: () => handle.close(),
    };
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /**
   * Moves the blob at `fromKey` to `toKey` (replacing any blob there) by renaming it: both live
   * under this store's root, on one filesystem, so the move is atomic and no byte is read again.
   */
  async promote(fromKey: string, toKey: string): Promise<void> {
    const from = this.pathOf(fromKey);
    const to = this.pathOf(toKey);
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }

  /** The blob as a file-backed Blob (read lazily from disk), for APIs that take a File. */
  async openAsBlob(key: string): Promise<Blob> {
    return openAsBlob(this.pathOf(key));
  }
}

/**
 * A request body already spooled to a filesystem store, with the size and SHA-256 measured on the
 * way in. When the upload's target store is that same filesystem store, the upload is moved into
 * place (FileBlobStore.promote) instead of being read, hashed and written a second time.
 */
export interface StagedBlob extends StoredBlob {
  store: FileBlobStore;
  key: string;
  /** The id chosen for the upload before its body was read (the read-ahead job waits for it). */
  uploadId?: string | undefined;
}

/** Whether `store` is the filesystem store rooted where `staging` is: a staged blob moves into it by a rename. */
export function sameFileStore(store: BlobStore, staging: FileBlobStore): store is FileBlobStore {
  return store instanceof FileBlobStore && store.root === staging.root;
}

/** The staged blob when `store` can take it by a rename (same filesystem root), else undefined. */
export function promotableTo(store: BlobStore, staged: StagedBlob | undefined): StagedBlob | undefined {
  return staged && sameFileStore(store, staged.store) ? staged : undefined;
}

export type BlobConfig = Pick<Config, "DATA_DIR"> &
  Partial<Pick<Config, "S3_BUCKET" | "S3_REGION" | "S3_ENDPOINT" | "S3_FORCE_PATH_STYLE">>;

// One S3 client per configuration: callers ask per request, and a client keeps its connection pool.
const s3Stores = new WeakMap<object, S3BlobStore>();

/** The configured store: S3 when S3_BUCKET is set, else the filesystem under DATA_DIR/blobs. */
export function blobStoreFromConfig(config: BlobConfig): BlobStore {
  if (!config.S3_BUCKET) return new FileBlobStore(path.join(config.DATA_DIR, "blobs"));
  let store = s3Stores.get(config);
  if (!store) {
    // loadConfig refuses this too; a hand-made config gets the same message.
    if (!config.S3_REGION) throw new Error("S3_REGION is required when S3_BUCKET is set");
    store = new S3BlobStore({
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
    s3Stores.set(config, store);
  }
  return store;
}

/**
 * Local spool for request bodies on their way in (the streaming upload route), always the
 * filesystem whatever the blob store: the upload procedure takes a File, and only a file on disk can
 * back one without holding the bytes in memory. Spooled blobs are deleted once recorded.
 */
export function stagingStoreFromConfig(config: Pick<Config, "DATA_DIR">): FileBlobStore {
  return new FileBlobStore(path.join(config.DATA_DIR, "blobs"));
}
