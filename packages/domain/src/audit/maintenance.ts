// Keeps the monthly audit partitions ahead of time and drops the ones past retention. Runs daily as
// a job and once at start-up; the SQL functions live in the identity migration.
import { withSystem, type PrismaClient } from "@reprotech/db";

export const AUDIT_MAINTENANCE_EVERY_MS = 24 * 3600 * 1000;
export const AUDIT_PARTITIONS_AHEAD = 3;

export async function maintainAuditPartitions(
  db: PrismaClient,
  retentionMonths: number,
): Promise<{ created: number; dropped: string[] }> {
  return withSystem(db, async (tx) => {
    const [{ created }] = await tx.$queryRaw<
      [{ created: number }]
    >`SELECT audit_ensure_partitions(${AUDIT_PARTITIONS_AHEAD}::int) AS created`;
    const dropped = await tx.$queryRaw<
      { name: string }[]
    >`SELECT audit_drop_partitions_before(${retentionMonths}::int) AS name`;
    return { created, dropped: dropped.map((d) => d.name) };
  });
}
