import { describe, expect, it } from "vitest";
import { isFutureDate, isIsoDate, latestAllowedDate } from "../src/animals/dates";
import { officialIdSexError, parseOfficialId } from "../src/animals/official-id";
import { createAnimalInput, listAnimalsInput } from "../src/animals/schemas";
import { createBullInput, parseNaabCode } from "../src/bulls/schemas";

describe("official IDs", () => {
  it("accepts and normalises both forms", () => {
    expect(parseOfficialId(" ho 840 003000000001 ")).toEqual({
      ok: true,
      value: "HO840003000000001",
      form: "national",
      sex: null,
    });
    expect(parseOfficialId("HOLUSAM000123456789")).toEqual({
      ok: true,
      value: "HOLUSAM000123456789",
      form: "interbull",
      sex: "male",
    });
    expect(parseOfficialId("JERDNKF0000AB1234CD")).toMatchObject({ ok: true, sex: "female" });
  });

  it.each([
    ["HO8400030000000", /must be 17 or 19 characters \(got 15/],
    ["HO999003000000001", /country code 999 is not an ISO 3166 numeric code/],
    ["H0840003000000001", /characters 1–2 must be a breed code/],
    ["HOLUSAM00012345678-", /characters 8–19/],
    ["HOLQQQM000123456789", /country code QQQ is not an ISO 3166 alpha-3 code/],
    ["HO1USAM000123456789", /characters 1–3 must be an Interbull breed code/],
  ])("%s is refused: %s", (raw, message) => {
    const r = parseOfficialId(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it("checks the Interbull sex letter against the animal", () => {
    expect(officialIdSexError("HOLUSAM000123456789", "female")).toMatch(/marks a male/);
    expect(officialIdSexError("HOLUSAM000123456789", "male")).toBeNull();
    expect(officialIdSexError("HO840003000000001", "male")).toBeNull();
  });
});

describe("NAAB codes", () => {
  it.each(["7HO12345", "1HO1", "200JE00001", "29hO 17000"])("accepts %s", (c) =>
    expect(parseNaabCode(c).ok).toBe(true),
  );
  it.each(["HO12345", "1234HO1", "7H12345", "7HO123456", "7HO"])("refuses %s", (c) =>
    expect(parseNaabCode(c).ok).toBe(false),
  );
  it("needs a sexed code distinct from the conventional one", () => {
    const r = createBullInput.safeParse({
      naabCode: "7HO1",
      sexedNaabCode: "7ho1",
      registrationNumber: "HO840003000000009",
      name: "X",
      breed: "HO",
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/must differ/);
  });
});

describe("dates and animal input", () => {
  it("validates calendar dates and the future", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    const now = new Date("2026-01-01T12:00:00Z");
    expect(latestAllowedDate(now)).toBe("2026-01-02");
    expect(isFutureDate("2026-01-02", now)).toBe(false);
    expect(isFutureDate("2026-01-03", now)).toBe(true);
  });

  it("refuses two sires and status dates before birth", () => {
    const base = {
      customerId: "5b6c7e0a-1b2c-4d3e-8f40-112233445566",
      officialId: "HO840003000000001",
      breed: "ho",
      sex: "female",
      birthDate: "2020-01-01",
    };
    const id = "5b6c7e0a-1b2c-4d3e-8f40-112233445567";
    expect(createAnimalInput.safeParse({ ...base, sireId: id, sireBullId: id }).error?.issues[0]?.message).toMatch(
      /one sire/,
    );
    expect(
      createAnimalInput.safeParse({ ...base, status: "sold", statusDate: "2019-01-01" }).error?.issues[0]?.message,
    ).toMatch(/before the birth date/);
    expect(createAnimalInput.parse(base).breed).toBe("HO");
  });

  it("reads REST-style booleans in list filters", () => {
    expect(listAnimalsInput.parse({ hasGenotype: "false" }).hasGenotype).toBe(false);
    expect(listAnimalsInput.parse({ hasGenotype: true }).hasGenotype).toBe(true);
  });
});
