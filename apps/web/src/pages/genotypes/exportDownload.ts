// Downloads a PLINK export of a selection of animals from POST /api/v1/genotypes/export (a zip of
// .bed/.bim/.fam or .ped/.map). POST because a real selection does not fit in a URL; fetch so a
// refusal (no genotype, mixed panels, out of scope) comes back as its message instead of a JSON page.
// The zip is held as a Blob until it is saved: fine for a plate or a herd, not for 20,000 animals.

export const GENOTYPE_EXPORT_URL = "/api/v1/genotypes/export";

export type GenotypeExportFormat = "bed" | "ped";

export interface GenotypeExportRequest {
  customerId?: string;
  animalIds: string[];
  panelId?: string;
  format: GenotypeExportFormat;
  skipMissing?: boolean;
}

/** The file name from a Content-Disposition header (`attachment; filename="x.zip"`), or the fallback. */
export function fileNameFromDisposition(header: string | null, fallback = "genotypes.zip"): string {
  const name = header ? /filename="([^"]+)"/.exec(header)?.[1] : undefined;
  // Only a plain name: a path in the header must not choose where the browser saves.
  return name && !/[\\/]/.test(name) ? name : fallback;
}

/** The server's refusal in words: `{ error }` JSON, else the status line. */
export async function exportErrorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === "string" && body.error) return body.error;
  } catch {
    // not JSON: fall through to the status
  }
  return `Export failed (HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""})`;
}

export async function downloadGenotypeExport(request: GenotypeExportRequest): Promise<string> {
  const res = await fetch(GENOTYPE_EXPORT_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  if (!res.ok) throw new Error(await exportErrorMessage(res));
  const fileName = fileNameFromDisposition(res.headers.get("content-disposition"));
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // After the click has handed the blob to the download; revoking at once can cancel it in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return fileName;
}
