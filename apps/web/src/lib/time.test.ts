import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative } from "./time";

describe("formatRelative", () => {
  const now = Date.parse("2026-05-01T12:00:00Z");
  it("says now for the same instant", () => expect(formatRelative(now, now)).toBe("now"));
  it("counts seconds, minutes, hours and days back", () => {
    expect(formatRelative(now - 5_000, now)).toBe("5 seconds ago");
    expect(formatRelative(now - 90_000, now)).toBe("1 minute ago");
    expect(formatRelative(now - 3 * 3600_000, now)).toBe("3 hours ago");
    expect(formatRelative(now - 24 * 3600_000, now)).toBe("yesterday");
  });
  it("handles the future (clock skew)", () => expect(formatRelative(now + 2_000, now)).toBe("in 2 seconds"));
});

describe("formatDuration", () => {
  it("picks the two largest units", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(5 * 60 + 3)).toBe("5 min 3 s");
    expect(formatDuration(3 * 3600 + 12 * 60 + 9)).toBe("3 h 12 min");
    expect(formatDuration(2 * 86_400 + 4 * 3600)).toBe("2 d 4 h");
  });
  it("never goes negative", () => expect(formatDuration(-3)).toBe("0 s"));
});
