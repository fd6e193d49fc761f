import { describe, expect, it } from "vitest";
import {
  formatGbv,
  histogramRows,
  historyPoints,
  percentileLabel,
  percentileWidth,
  rankingExportUrl,
  reliabilityBand,
  reliabilityPercent,
  reportUrl,
} from "./format";
import type { BreedDistribution, GbvPrediction } from "./types";

describe("formatGbv", () => {
  it("signs the value and scales its decimals", () => {
    expect(formatGbv(412.4, "kg")).toBe("+412 kg");
    expect(formatGbv(-12.46, "d")).toBe("−12.5 d");
    expect(formatGbv(1.234, "%")).toBe("+1.23 %");
    expect(formatGbv(-0.0421)).toBe("−0.042");
    expect(formatGbv(1234.6, "kg")).toBe("+1,235 kg");
  });
  it("shows a value that rounds to zero without a sign", () => {
    expect(formatGbv(0.0001, "kg")).toBe("0.000 kg");
    expect(formatGbv(-0.0004)).toBe("0.000");
  });
});

describe("reliability bar", () => {
  it("maps 0–1 to a whole percent, clamped", () => {
    expect(reliabilityPercent(0.734)).toBe(73);
    expect(reliabilityPercent(1.2)).toBe(100);
    expect(reliabilityPercent(-0.1)).toBe(0);
    expect(reliabilityPercent(Number.NaN)).toBe(0);
  });
  it("bands at 30, 50 and 70 %", () => {
    expect(reliabilityBand(0.7).label).toBe("high");
    expect(reliabilityBand(0.69).label).toBe("moderate");
    expect(reliabilityBand(0.5).label).toBe("moderate");
    expect(reliabilityBand(0.3).label).toBe("low");
    expect(reliabilityBand(0.29).label).toBe("very low");
  });
});

describe("percentiles", () => {
  it("reads as top or bottom share", () => {
    expect(percentileLabel(88)).toBe("top 12 %");
    expect(percentileLabel(100)).toBe("top 1 %");
    expect(percentileLabel(50)).toBe("top 50 %");
    expect(percentileLabel(30)).toBe("bottom 30 %");
    expect(percentileLabel(0)).toBe("bottom 1 %");
    expect(percentileLabel(null)).toBe("—");
  });
  it("bar width keeps a sliver at the bottom and clamps at the top", () => {
    expect(percentileWidth(0)).toBe(2);
    expect(percentileWidth(63.6)).toBe(64);
    expect(percentileWidth(140)).toBe(100);
    expect(percentileWidth(null)).toBe(0);
  });
});

const prediction = (predictedAt: string, value: number, modelVersion: number): GbvPrediction => ({
  value,
  reliability: 0.5,
  percentileBreed: null,
  percentileCustomer: null,
  modelId: "00000000-0000-4000-8000-000000000001",
  modelVersion,
  panelId: "00000000-0000-4000-8000-000000000002",
  genotypeId: "00000000-0000-4000-8000-000000000003",
  predictedAt,
});

describe("historyPoints", () => {
  it("puts history (newest first from the API) and the current value in time order", () => {
    const points = historyPoints(prediction("2026-03-01T00:00:00.000Z", 30, 3), [
      prediction("2026-02-01T00:00:00.000Z", 20, 2),
      prediction("2026-01-01T00:00:00.000Z", 10, 1),
    ]);
    expect(points.map((p) => [p.value, p.version])).toEqual([
      [10, 1],
      [20, 2],
      [30, 3],
    ]);
  });
  it("is empty without predictions", () => {
    expect(historyPoints(null, [])).toEqual([]);
  });
});

describe("histogramRows", () => {
  const breed = (name: string, counts: number[]): BreedDistribution => ({
    breed: name,
    n: counts.reduce((s, c) => s + c, 0),
    mean: 0,
    sd: null,
    min: 0,
    q1: 0,
    median: 0,
    q3: 0,
    max: 0,
    histogram: counts.map((count, i) => ({ from: i * 10, to: (i + 1) * 10, count })),
  });
  it("one row per shared bin, a column per breed, labelled by the bin's midpoint", () => {
    expect(histogramRows([breed("HO", [1, 2]), breed("JE", [0, 5])], "kg")).toEqual([
      { bin: "+5.00 kg", HO: 1, JE: 0 },
      { bin: "+15.0 kg", HO: 2, JE: 5 },
    ]);
    expect(histogramRows([])).toEqual([]);
  });
});

describe("download addresses", () => {
  it("leaves out unset filters of the export", () => {
    expect(rankingExportUrl({ trait: "fertility", minReliability: 0.4, breed: undefined, limit: 100 })).toBe(
      "/api/v1/gbv/ranking/export?trait=fertility&minReliability=0.4&limit=100",
    );
  });
  it("names the animal (and farm) of the report", () => {
    expect(reportUrl("a b")).toBe("/api/v1/gbv/reports/a%20b");
    expect(reportUrl("x", "c")).toBe("/api/v1/gbv/reports/x?customerId=c");
  });
});

describe("training bar", () => {
  it("rises with the steps and is full once final", async () => {
    const { trainingPercent } = await import("./labels");
    expect(trainingPercent({ phase: "queued", step: 0, totalSteps: 10 })).toBe(0);
    expect(trainingPercent({ phase: "cross-validation", step: 3, totalSteps: 10 })).toBe(33);
    expect(trainingPercent({ phase: "storing", step: 9, totalSteps: 10 })).toBe(99);
    expect(trainingPercent({ phase: "completed", step: 9, totalSteps: 10 })).toBe(100);
    expect(trainingPercent({ phase: "failed", step: 2, totalSteps: 10 })).toBe(100);
  });
});
