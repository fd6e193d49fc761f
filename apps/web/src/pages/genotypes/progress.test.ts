import { describe, expect, it } from "vitest";
import {
  formatBytes,
  processingCaption,
  processingPercent,
  READING_SHARE,
  transferPercent,
  type ProcessingState,
} from "./progress";

const state = (over: Partial<ProcessingState>): ProcessingState => ({
  phase: "reading",
  bytesRead: 0,
  totalBytes: 1000,
  samplesDone: 0,
  sampleCount: null,
  ...over,
});

describe("transferPercent", () => {
  it("is the share of the body sent, rounded down", () => {
    expect(transferPercent(0, 1000)).toBe(0);
    expect(transferPercent(999, 1000)).toBe(99);
    expect(transferPercent(1000, 1000)).toBe(100);
  });
  it("is 0 when the size is unknown and never leaves 0..100", () => {
    expect(transferPercent(500, 0)).toBe(0);
    expect(transferPercent(1500, 1000)).toBe(100);
    expect(transferPercent(-1, 1000)).toBe(0);
  });
});

describe("processingPercent", () => {
  it("starts at 0 while queued and reaches 100 only when completed", () => {
    expect(processingPercent(state({ phase: "queued" }))).toBe(0);
    expect(processingPercent(state({ phase: "completed", bytesRead: 1000 }))).toBe(100);
  });
  it("fills the reading share with the bytes read", () => {
    expect(processingPercent(state({ bytesRead: 500 }))).toBe(READING_SHARE / 2);
    expect(processingPercent(state({ bytesRead: 1000 }))).toBe(READING_SHARE);
    expect(processingPercent(state({ bytesRead: 10, totalBytes: 0 }))).toBe(0);
  });
  it("fills the rest with the samples stored, short of 100 until the job completes", () => {
    expect(processingPercent(state({ phase: "storing", bytesRead: 1000 }))).toBe(READING_SHARE);
    expect(processingPercent(state({ phase: "storing", samplesDone: 48, sampleCount: 96 }))).toBe(
      READING_SHARE + (100 - READING_SHARE) / 2,
    );
    expect(processingPercent(state({ phase: "storing", samplesDone: 96, sampleCount: 96 }))).toBe(99);
  });
  it("keeps a failed job's bar where the reading stopped", () => {
    expect(processingPercent(state({ phase: "failed", bytesRead: 250 }))).toBe(READING_SHARE / 4);
  });
});

describe("captions and sizes", () => {
  it("formats sizes in decimal units", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1500)).toBe("1.5 kB");
    expect(formatBytes(25_000_000)).toBe("25 MB");
  });
  it("says what the job is doing", () => {
    expect(processingCaption(state({ bytesRead: 1500, totalBytes: 3000 }))).toBe("Reading the file: 1.5 kB of 3.0 kB");
    expect(processingCaption(state({ phase: "storing", samplesDone: 3, sampleCount: 96 }))).toBe(
      "Storing genotypes: 3 of 96 samples",
    );
    expect(processingCaption(state({ phase: "completed", samplesDone: 96 }))).toBe("Completed: 96 samples processed");
  });
});
