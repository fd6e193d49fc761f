import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { describe, expect, it } from "vitest";
import { generateToken, hashSecret, parseToken, secretMatches } from "../src";

describe("tokens", () => {
  it("are <id>.<secret> in lower-case base32, with ≥ 120 random bits in each part", () => {
    const t = generateToken();
    expect(t.token).toBe(`${t.id}.${t.secret}`);
    expect(t.id).toMatch(/^[a-z2-7]{24}$/); // 24 × 5 = 120 bits
    expect(t.secret).toMatch(/^[a-z2-7]{32}$/); // 32 × 5 = 160 bits
    expect(t.id.length).toBeLessThanOrEqual(32);
    expect(t.secretHash).toEqual(hashSecret(t.secret));
    expect(t.secretHash).toHaveLength(32);
  });

  it("never repeat", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { id, secret } = generateToken();
      seen.add(id).add(secret);
    }
    expect(seen.size).toBe(4000);
  });

  it("parse only when well-formed", () => {
    const t = generateToken();
    expect(parseToken(t.token)).toEqual({ id: t.id, secret: t.secret });
    for (const bad of [
      "",
      t.id,
      `${t.id}.`,
      `.${t.secret}`,
      `${t.id}.${t.secret}.x`,
      `${t.id}:${t.secret}`,
      t.token.toUpperCase(),
      `${t.id}.${t.secret.slice(1)}1`,
      `${t.id}.${t.secret}x`,
      ` ${t.token}`,
    ])
      expect(parseToken(bad), bad).toBeNull();
  });

  it("match their stored hash, and nothing else", () => {
    const t = generateToken();
    expect(secretMatches(t.secret, t.secretHash)).toBe(true);
    expect(secretMatches(generateToken().secret, t.secretHash)).toBe(false);
    expect(secretMatches(t.secret, t.secretHash.slice(0, 31))).toBe(false);
    expect(secretMatches(t.secret, new Uint8Array(0))).toBe(false);
    // A Buffer (what some drivers return for bytea) compares the same.
    expect(secretMatches(t.secret, Buffer.from(t.secretHash))).toBe(true);
  });
});

describe("hash comparison", () => {
  // The comparison behind secretMatches must take as long whether the first byte differs or the
  // last one does (or none): an early-exit comparison would tell an attacker how much matched.
  const time = (f: () => void, reps: number) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) f();
    return Number(process.hrtime.bigint() - start);
  };
  // The fastest of many rounds: the one least disturbed by other processes on a busy machine (a
  // median still moves when the machine is loaded for most of the rounds).
  const fastest = (xs: number[]) => Math.min(...xs);

  function profile(compare: (a: Uint8Array, b: Uint8Array) => boolean) {
    const n = 1 << 16;
    const a = new Uint8Array(n).fill(7);
    const same = new Uint8Array(n).fill(7);
    const firstDiffers = same.slice();
    firstDiffers[0] = 8;
    const firstRuns: number[] = [];
    const sameRuns: number[] = [];
    for (let round = 0; round < 41; round++) {
      firstRuns.push(time(() => compare(a, firstDiffers), 20));
      sameRuns.push(time(() => compare(a, same), 20));
    }
    return fastest(sameRuns) / fastest(firstRuns);
  }

  it("is constant-time (a mismatch in the first byte costs as much as a full match)", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    const ratio = profile(constantTimeEqual);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("(the measurement can tell: an early-exit comparison shows a large gap)", () => {
    const naive = (a: Uint8Array, b: Uint8Array) => {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    };
    expect(profile(naive)).toBeGreaterThan(10);
  });

  it("secretMatches uses it", async () => {
    const { readFile } = await import("node:fs/promises");
    const source = await readFile(new URL("../src/tokens.ts", import.meta.url), "utf8");
    expect(source).toMatch(/return constantTimeEqual\(hashSecret\(secret\), /);
  });
});
