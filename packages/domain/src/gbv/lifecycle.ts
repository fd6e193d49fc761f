// A model's life: draft → published → retired. At most one published model per trait and panel (the
// unique published_slot): publishing version n retires the trait's published model on that panel in
// the same transaction. Publishing a model for a panel no animal carries is refused — it would score
// nobody, and the issue lists it as bad input. Retiring withdraws a published model: its predictions
// stop being current (they stay as history) and percentiles of the trait are recomputed. Both need
// the '*' scope (catalogue procedure, gbv.models.manage) and are audited by the caller; the scoring
// job is enqueued by the caller after COMMIT.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";
import { lockTraitScoring, recomputePercentiles } from "./percentiles";

interface LockedModel {
  id: string;
  traitId: string;
  panelId: string;
  version: number;
  status: string;
}

async function lockModel(tx: Tx, modelId: string): Promise<LockedModel> {
  const [m] = await query<LockedModel>(
    tx,
    `SELECT id::text AS id, trait_id::text AS "traitId", panel_id::text AS "panelId", version, status::text AS status
     FROM gbv_models WHERE id = $1::uuid FOR UPDATE`,
    [modelId],
  );
  if (!m) throw new AppError("NOT_FOUND", "Model not found");
  // A scoring transaction of the trait checks the model is still published under this lock, so a
  // status change and a scoring never interleave (scoring.ts, batch-load.ts).
  await lockTraitScoring(tx, m.traitId);
  return m;
}

export interface LifecycleChange {
  modelId: string;
  version: number;
  status: "published" | "retired";
  /** The model this publication retired (the trait's previous published model on the panel). */
  retiredModelId: string | null;
}

export async function publishModel(tx: Tx, modelId: string, userId: string | null): Promise<LifecycleChange> {
  const m = await lockModel(tx, modelId);
  if (m.status !== "draft")
    throw new AppError("CONFLICT", `Only a draft model can be published; version ${m.version} is ${m.status}`);
  const [carried] = await query<{ any: boolean; panel: string }>(
    tx,
    `SELECT EXISTS (SELECT 1 FROM genotypes g WHERE g.panel_id = $1::uuid AND g.is_current) AS any,
            (SELECT name || ' ' || version FROM snp_panels WHERE id = $1::uuid) AS panel`,
    [m.panelId],
  );
  if (!carried?.any)
    throw new AppError(
      "BAD_REQUEST",
      `No animal is genotyped on panel ${carried?.panel ?? m.panelId}: a model for it would score nobody, so it was not published`,
    );
  const slot = `${m.traitId}:${m.panelId}`;
  const retired = await query<{ id: string }>(
    tx,
    `UPDATE gbv_models SET status = 'retired', published_slot = NULL, retired_at = now(), updated_at = now()
     WHERE published_slot = $1 RETURNING id::text AS id`,
    [slot],
  );
  await query(
    tx,
    `UPDATE gbv_models SET status = 'published', published_slot = $2, published_at = now(), published_by = $3::uuid,
       updated_at = now() WHERE id = $1::uuid`,
    [modelId, slot, userId],
  );
  return { modelId, version: m.version, status: "published", retiredModelId: retired[0]?.id ?? null };
}

export async function retireModel(tx: Tx, modelId: string): Promise<LifecycleChange> {
  const m = await lockModel(tx, modelId);
  if (m.status !== "published" && m.status !== "draft")
    throw new AppError(
      "CONFLICT",
      `Only a draft or published model can be retired; version ${m.version} is ${m.status}`,
    );
  await query(
    tx,
    `UPDATE gbv_models SET status = 'retired', published_slot = NULL, retired_at = now(), updated_at = now()
     WHERE id = $1::uuid`,
    [modelId],
  );
  if (m.status === "published") {
    // Withdrawn: its predictions are history now; the trait's percentiles no longer count them.
    await query(tx, `UPDATE gbv_predictions SET is_current = false WHERE model_id = $1::uuid AND is_current`, [
      modelId,
    ]);
    await recomputePercentiles(tx, m.traitId);
  }
  return { modelId, version: m.version, status: "retired", retiredModelId: null };
}
