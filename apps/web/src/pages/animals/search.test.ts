import { describe, expect, it } from "vitest";
import { exportUrl, listFilters, parseAnimalListSearch } from "./search";

describe("animal list search params", () => {
  it("keeps valid filters and drops malformed ones", () => {
    expect(
      parseAnimalListSearch({
        q: 12,
        breed: "HO",
        sex: "cow",
        bornFrom: "2020-02-30",
        bornTo: "2021-01-31",
        sort: "x",
      }),
    ).toEqual({ q: "12", breed: "HO", bornTo: "2021-01-31" });
  });
  it("turns the URL into the server's filters, the farm of a customer user winning", () => {
    const s = parseAnimalListSearch({ q: "HO84", genotype: "no", customer: "0b7c4a0e-6a43-4d1a-9d36-5b3e2f6c9a10" });
    expect(listFilters(s, null)).toEqual({
      customerId: "0b7c4a0e-6a43-4d1a-9d36-5b3e2f6c9a10",
      search: "HO84",
      hasGenotype: false,
    });
    expect(listFilters(s, "11111111-1111-4111-8111-111111111111").customerId).toBe(
      "11111111-1111-4111-8111-111111111111",
    );
  });
  it("builds the export link with the same filters", () => {
    expect(exportUrl({ search: "HO", sex: "female" }, "xlsx")).toBe(
      "/api/v1/animals/export?format=xlsx&search=HO&sex=female",
    );
  });
});
