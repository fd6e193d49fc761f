import { describe, expect, it } from "vitest";
import { clearSessionCookie, readSessionCookie, SESSION_COOKIE, sessionCookie, sessionCookieName } from "../src";

const token = "abcdefghijklmnopqrstuvwx.abcdefghijklmnopqrstuvwxyz234567";
const expires = new Date("2030-01-02T03:04:05Z");

const attrs = (cookie: string) => cookie.split("; ").slice(1);

describe("session cookie", () => {
  it("over HTTPS: __Host- name, Secure, HttpOnly, SameSite=Lax, Path=/, Expires, no Domain", () => {
    const c = sessionCookie(token, expires, { secure: true });
    expect(c.startsWith(`${SESSION_COOKIE}=${token}; `)).toBe(true);
    expect(SESSION_COOKIE).toBe("__Host-reprotech_session");
    expect(attrs(c).sort()).toEqual(
      ["Expires=Wed, 02 Jan 2030 03:04:05 GMT", "HttpOnly", "Path=/", "SameSite=Lax", "Secure"].sort(),
    );
    expect(c).not.toMatch(/domain/i);
  });

  it("over plain HTTP (development): the un-prefixed name, without Secure", () => {
    const c = sessionCookie(token, expires, { secure: false });
    expect(c.startsWith(`reprotech_session=${token}; `)).toBe(true);
    expect(attrs(c)).not.toContain("Secure");
    expect(attrs(c)).toContain("HttpOnly");
    expect(sessionCookieName(false)).toBe("reprotech_session");
    expect(sessionCookieName(true)).toBe(SESSION_COOKIE);
  });

  it("clears with the same attributes and an expiry in the past", () => {
    const c = clearSessionCookie({ secure: true });
    expect(c.startsWith(`${SESSION_COOKIE}=; `)).toBe(true);
    expect(attrs(c)).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Secure", "Max-Age=0"]));
    expect(c).toContain("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    expect(clearSessionCookie({ secure: false }).startsWith("reprotech_session=; ")).toBe(true);
  });

  it("refuses a value that could inject attributes", () => {
    expect(() => sessionCookie("x; Domain=evil.example", expires, { secure: true })).toThrow();
  });

  it("is read back under either name, preferring __Host-", () => {
    expect(readSessionCookie(undefined)).toBeNull();
    expect(readSessionCookie("")).toBeNull();
    expect(readSessionCookie(`theme=dark; ${SESSION_COOKIE}=${token}; x=y`)).toBe(token);
    expect(readSessionCookie(`reprotech_session=${token}`)).toBe(token);
    expect(readSessionCookie(`reprotech_session=planted; ${SESSION_COOKIE}=${token}`)).toBe(token);
    expect(readSessionCookie(`reprotech_session_x=${token}; xreprotech_session=${token}`)).toBeNull();
    expect(readSessionCookie(`${SESSION_COOKIE}=`)).toBeNull();
  });

  it("on HTTPS requests, only the __Host- cookie counts (a sibling subdomain could plant the other)", () => {
    expect(readSessionCookie(`reprotech_session=${token}`, { secure: true })).toBeNull();
    expect(readSessionCookie(`${SESSION_COOKIE}=${token}`, { secure: true })).toBe(token);
  });
});
