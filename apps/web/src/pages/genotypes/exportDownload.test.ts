import { describe, expect, it } from "vitest";
import { exportErrorMessage, fileNameFromDisposition } from "./exportDownload";

describe("fileNameFromDisposition", () => {
  it("takes the quoted file name", () => {
    expect(fileNameFromDisposition('attachment; filename="genotypes-2026-11-24.zip"')).toBe("genotypes-2026-11-24.zip");
  });
  it("falls back when the header is missing, unquoted or carries a path", () => {
    expect(fileNameFromDisposition(null)).toBe("genotypes.zip");
    expect(fileNameFromDisposition("attachment")).toBe("genotypes.zip");
    expect(fileNameFromDisposition('attachment; filename="../etc/x.zip"')).toBe("genotypes.zip");
    expect(fileNameFromDisposition('attachment; filename="a\\b.zip"', "x.zip")).toBe("x.zip");
  });
});

describe("exportErrorMessage", () => {
  it("reads the server's { error } message", async () => {
    const res = new Response(JSON.stringify({ error: "2 animals have no genotype", requestId: "r1" }), {
      status: 400,
    });
    expect(await exportErrorMessage(res)).toBe("2 animals have no genotype");
  });
  it("says the status when the body is not the server's JSON", async () => {
    expect(await exportErrorMessage(new Response("<html>", { status: 502, statusText: "Bad Gateway" }))).toBe(
      "Export failed (HTTP 502 Bad Gateway)",
    );
    expect(await exportErrorMessage(new Response("{}", { status: 500 }))).toBe("Export failed (HTTP 500)");
  });
});
