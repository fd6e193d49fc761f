// The S3 blob store (AWS S3 or an S3-compatible server), chosen by blobStoreFromConfig when
// S3_BUCKET is set. Same keys, same contract as the filesystem store: put() streams the body through
// a multipart upload while counting and hashing it in the same pass, and an upload that fails midway
// leaves nothing under its key (S3 only creates the object on CompleteMultipartUpload; lib-storage
// sends AbortMultipartUpload on any failure so the uploaded parts do not linger and cost money).
// A missing object reads as an error with code "ENOENT", like the filesystem store's.
import { pipeline, Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertBlobKey, measuring, toReadable, type BlobSource, type BlobStore, type StoredBlob } from "./blob-store";

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible server (MinIO, Ceph, R2...); unset → AWS. */
  endpoint?: string | undefined;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean | undefined;
}

/**
 * Multipart tuning. lib-storage buffers up to `queueSize` parts in flight plus the one being filled,
 * so a put holds ~(4 + 1) × 8 MiB = 40 MiB of part buffers whatever the file's size (measured against
 * s3rver: RSS grows by ~60-90 MB, GC slack included, for 60, 300 and 600 MB bodies alike) — inside the
 * server's 300 MB budget with a couple of concurrent uploads. 8 MiB parts (S3's minimum is 5 MiB) keep
 * a 2 GB file at 256 parts (the limit is 10,000, i.e. files up to ~80 GB), and 4 parallel part PUTs
 * keep a fast link to S3 busy without stalling the source stream.
 */
export const S3_PART_SIZE = 8 * 1024 * 1024;
export const S3_QUEUE_SIZE = 4;

/** An error shaped like the filesystem's ENOENT, so callers do not care which store they use. */
function notFound(key: string, cause: unknown): Error {
  return Object.assign(new Error(`ENOENT: no such blob, ${key}`), { code: "ENOENT", cause });
}

/**
 * GetObject names a missing key in its error body (NoSuchKey); HeadObject has no body, so the SDK
 * only knows "404 NotFound" — which S3 also answers for a missing bucket. A missing bucket on GET
 * (NoSuchBucket) is a configuration error and stays one.
 */
const isMissingKey = (error: unknown) => (error as { name?: string } | null)?.name === "NoSuchKey";
const isHeadNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
};

export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(options: S3BlobStoreOptions, client?: S3Client) {
    this.bucket = options.bucket;
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      // Credentials: the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
      // web identity, container or instance roles), never our own config.
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      // S3-compatible servers often lag AWS's default flexible checksums (aws-chunked bodies with
      // CRC trailers) and would store or reject them; the SHA-256 we record is our integrity check.
      config.requestChecksumCalculation = "WHEN_REQUIRED";
      config.responseChecksumValidation = "WHEN_REQUIRED";
    }
    this.client = client ?? new S3Client(config);
  }

  async put(key: string, source: BlobSource): Promise<StoredBlob> {
    assertBlobKey(key);
    const input = toReadable(source);
    const measure = measuring();
    // The source's own failure is the one to report (lib-storage would surface its abort's instead);
    // pipeline() passes it on to the body, which fails the upload.
    let sourceError: unknown;
    const body = pipeline(input, measure.stream, (error) => {
      if (error) sourceError ??= error;
    });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: "application/octet-stream" },
      partSize: S3_PART_SIZE,
      queueSize: S3_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      input.destroy();
      if (sourceError !== undefined && sourceError !== error) {
        if (sourceError instanceof Error && sourceError.cause === undefined) sourceError.cause = error;
        throw sourceError;
      }
      throw error;
    }
    return measure.result();
  }

  async get(key: string): Promise<Readable> {
    assertBlobKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      // In Node the body is an http.IncomingMessage (a Readable) with the SDK's helpers mixed in.
      if (!(res.Body instanceof Readable)) throw new Error(`S3 GetObject ${key}: no stream body`);
      return res.Body;
    } catch (error) {
      if (isMissingKey(error)) throw notFound(key, error);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      // Only "not there" is false; access or network errors must not pass for a missing blob.
      if (isHeadNotFound(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    // S3 answers 204 for a missing key too: deleting nothing is not an error, as for files.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
