// The genomic report's PDF, rendered with pdfkit from the plain ReportData object alone (no database
// here): identity and pedigree, GBVs with reliability bars and percentiles, selection indexes,
// parentage verification, genomic inbreeding, genotype QC, model versions and the generation date.
// Standard PDF fonts (Helvetica) only, so the text is extractable and nothing is embedded.
import PDFDocument from "pdfkit";
import type { PedigreeRef, ReportData } from "./report-data";

const MARGIN = 50;
const GREY = "#666666";
const ACCENT = "#1f6f8b";

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
const pct = (x: number | null) => (x === null ? "-" : `${x.toFixed(0)}`);
const refText = (r: PedigreeRef | null) =>
  r ? `${r.id}${r.name ? ` (${r.name})` : ""}${r.kind === "bull" ? " [AI bull]" : ""}` : "unknown";

const PARENT_VERDICT: Record<string, string> = {
  verified: "verified",
  doubtful: "doubtful",
  excluded: "EXCLUDED",
  insufficient: "insufficient common SNPs",
  untested: "not tested (parent not genotyped on the panel)",
};

/** Renders the report; resolves with the PDF's bytes. */
export function renderReportPdf(data: ReportData, generatedAt: Date, inputsHash: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    info: {
      Title: `Genomic report ${data.animal.officialId}`,
      Subject: `Genomic evaluation of ${data.animal.officialId}${data.animal.name ? ` ${data.animal.name}` : ""}`,
      Creator: "Reprotech",
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 2 * MARGIN;

  const heading = (text: string) => {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc.moveDown(0.8).font("Helvetica-Bold").fontSize(12).fillColor(ACCENT).text(text, MARGIN, doc.y);
    doc
      .moveTo(MARGIN, doc.y + 1)
      .lineTo(MARGIN + width, doc.y + 1)
      .lineWidth(0.5)
      .strokeColor(ACCENT)
      .stroke();
    doc.moveDown(0.3).font("Helvetica").fontSize(10).fillColor("black");
  };
  const line = (label: string, value: string) => {
    const y = doc.y;
    doc.font("Helvetica").fontSize(10).fillColor(GREY).text(label, MARGIN, y, { width: 150 });
    doc.fillColor("black").text(value, MARGIN + 155, y, { width: width - 155 });
  };

  // Title and identity
  const a = data.animal;
  doc.font("Helvetica-Bold").fontSize(18).fillColor("black").text("Genomic report", MARGIN, MARGIN);
  doc
    .font("Helvetica")
    .fontSize(13)
    .text(`${a.officialId}${a.name ? `  ${a.name}` : ""}`);
  doc.fontSize(9).fillColor(GREY).text(`Farm: ${a.farm}`);

  heading("Identity");
  line("Official ID", a.officialId);
  line("Name", a.name ?? "-");
  line("Herd tag", a.herdTag ?? "-");
  line("Breed / sex", `${a.breed} / ${a.sex}`);
  line("Born", a.birthDate);
  line("Status", a.status);

  heading("Pedigree");
  const p = data.pedigree;
  line("Sire", refText(p.sire));
  line("  Sire's sire", refText(p.sireSire));
  line("  Sire's dam", refText(p.sireDam));
  line("Dam", refText(p.dam));
  line("  Dam's sire", refText(p.damSire));
  line("  Dam's dam", refText(p.damDam));

  heading("Genomic breeding values");
  if (data.gbvs.length === 0) doc.text("No genomic prediction yet.");
  else {
    const cols = [MARGIN, MARGIN + 140, MARGIN + 215, MARGIN + 355, MARGIN + 425];
    const y0 = doc.y;
    doc.font("Helvetica-Bold").fontSize(9);
    ["Trait", "GBV", "Reliability", "Pctl breed / farm", "Model"].forEach((h, i) => doc.text(h, cols[i], y0));
    doc.font("Helvetica").fontSize(9);
    for (const g of data.gbvs) {
      const y = doc.y + 4;
      doc.fillColor("black").text(`${g.name}${g.higherIsBetter ? "" : " (lower is better)"}`, cols[0], y, {
        width: 135,
      });
      doc.text(`${fmt(g.value)} ${g.unit}`, cols[1], y, { width: 70 });
      // Reliability bar: the filled part is the reliability (0–1).
      doc
        .rect(cols[2]!, y + 1, 90, 8)
        .lineWidth(0.5)
        .strokeColor(GREY)
        .stroke();
      doc
        .rect(cols[2]!, y + 1, 90 * Math.max(0, Math.min(1, g.reliability)), 8)
        .fillColor(ACCENT)
        .fill();
      doc.fillColor("black").text(`${(g.reliability * 100).toFixed(0)}%`, cols[2]! + 95, y, { width: 40 });
      doc.text(`${pct(g.percentileBreed)} / ${pct(g.percentileCustomer)}`, cols[3], y, { width: 70 });
      doc.text(`v${g.modelVersion}, ${g.panel}`, cols[4], y, { width: width - (cols[4]! - MARGIN) });
      doc.y = Math.max(doc.y, y + 12);
    }
  }

  heading("Selection indexes");
  if (data.indexes.length === 0) doc.text("No selection index.");
  for (const i of data.indexes)
    line(
      `${i.name}${i.isDefault ? " (default)" : ""}`,
      i.value === null ? "not available (a weighted trait has no prediction)" : fmt(i.value, 3),
    );
  doc
    .fontSize(8)
    .fillColor(GREY)
    .text(
      "Index = sum of weight x GBV / SD of the trait's current predictions on the model's panel (sign turned for traits where lower is better).",
      MARGIN,
      doc.y + 2,
      { width },
    );

  heading("Parentage verification");
  if (!data.parentage) doc.text("No genotype result recorded.");
  else {
    const v = (s: string | null) => (s === null ? "no parent recorded" : (PARENT_VERDICT[s] ?? s));
    line("Sire", v(data.parentage.sireStatus));
    line("Dam", v(data.parentage.damStatus));
    line("Checked", `${data.parentage.checkedAt.slice(0, 10)} (${data.parentage.file})`);
  }

  heading("Genomic inbreeding");
  if (!data.inbreeding) doc.text("Not available (no genotype, or no allele frequencies for its panel).");
  else {
    const f = data.inbreeding;
    line("F (excess homozygosity)", fmt(f.f, 4));
    line("Heterozygous SNPs", `${f.observedHet} observed, ${fmt(f.expectedHet, 1)} expected of ${f.snps} SNPs`);
    line("Allele frequencies", f.frequencies);
  }

  heading("Genotype quality");
  if (!data.genotype) doc.text("No current genotype.");
  else {
    const g = data.genotype;
    line("Panel", g.panel);
    line("Genotyped", g.genotypedAt.slice(0, 10));
    line("Call rate", `${(g.callRate * 100).toFixed(2)}%`);
    line("Heterozygosity", fmt(g.heterozygosity, 4));
    line("QC status", g.qcStatus);
  }

  heading("Models");
  if (data.gbvs.length === 0) doc.text("-");
  for (const g of data.gbvs) line(g.name, `model v${g.modelVersion} on ${g.panel}, scored ${g.scoredAt.slice(0, 10)}`);

  doc
    .moveDown(1.5)
    .fontSize(8)
    .fillColor(GREY)
    .text(
      `Generated ${generatedAt.toISOString().replace("T", " ").slice(0, 19)} UTC - inputs ${inputsHash}`,
      MARGIN,
      doc.y,
      {
        width,
      },
    );
  doc.end();
  return done;
}
