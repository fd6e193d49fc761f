import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "../src";

describe("isAllowedOrigin", () => {
  it("with no configured origins, accepts only the request's own host", () => {
    expect(isAllowedOrigin("https://app.example", "app.example", [])).toBe(true);
    expect(isAllowedOrigin("http://localhost:3000", "localhost:3000", [])).toBe(true);
    expect(isAllowedOrigin("https://app.example", "app.example:443", [])).toBe(true);
    expect(isAllowedOrigin("https://evil.example", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("https://app.example.evil.example", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("https://sub.app.example", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("http://localhost:5173", "localhost:3000", [])).toBe(false);
    expect(isAllowedOrigin("https://app.example", undefined, [])).toBe(false);
    expect(isAllowedOrigin("https://app.example", "app.example/x", [])).toBe(false);
    expect(isAllowedOrigin("http://[::1]:3000", "[::1]:3000", [])).toBe(true);
  });

  it("refuses a missing, opaque or malformed Origin", () => {
    expect(isAllowedOrigin(undefined, "app.example", [])).toBe(false);
    expect(isAllowedOrigin("", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("null", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("https://app.example/path", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("file://app.example", "app.example", [])).toBe(false);
    expect(isAllowedOrigin("app.example", "app.example", [])).toBe(false);
  });

  it("with configured origins, accepts exactly those (whatever the Host says)", () => {
    const allowed = ["https://app.example", "http://localhost:5173"];
    expect(isAllowedOrigin("https://app.example", "internal:3000", allowed)).toBe(true);
    expect(isAllowedOrigin("http://localhost:5173", "localhost:3000", allowed)).toBe(true);
    expect(isAllowedOrigin("http://app.example", "app.example", allowed)).toBe(false);
    expect(isAllowedOrigin("https://evil.example", "evil.example", allowed)).toBe(false);
    expect(isAllowedOrigin("https://app.example:8443", "app.example:8443", allowed)).toBe(false);
  });
});
