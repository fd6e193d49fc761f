import { describe, expect, it } from "vitest";
import { parseSignInSearch, safeRedirect } from "./search";

describe("sign-in search", () => {
  it("follows only same-app paths", () => {
    expect(safeRedirect("/admin/users?x=1")).toBe("/admin/users?x=1");
    expect(safeRedirect("//evil.example/")).toBeUndefined();
    expect(safeRedirect("/\\evil.example")).toBeUndefined();
    expect(safeRedirect("https://evil.example/")).toBeUndefined();
    expect(safeRedirect("/sign-in?redirect=/")).toBeUndefined();
    expect(safeRedirect(42)).toBeUndefined();
  });

  it("keeps known notices and drops unknown ones", () => {
    expect(parseSignInSearch({ notice: "signed-out" })).toEqual({ notice: "signed-out" });
    expect(parseSignInSearch({ notice: "<script>" })).toEqual({});
  });
});
