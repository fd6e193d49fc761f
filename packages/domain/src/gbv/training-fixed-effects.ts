// Pre-correction of phenotypes for fixed effects (contemporary group and the file's other columns)
// before SNP-BLUP. The library's SNP-BLUP (genomics/src/blup/snpblup.ts) fits only an intercept, so
// the fixed effects are estimated first by least squares WITHOUT the genetic effects — backfitting
// (Gauss–Seidel over the factors, each level's effect = mean residual of its records) to convergence,
// which is the exact least-squares solution for any number of crossed factors — and subtracted:
//   y*_i = y_i - sum_f b_f[level_f(i)],  the effects of each factor centred to mean 0 over the records,
// so y* keeps the overall mean. It is the classical two-step approach: simpler than solving fixed and
// SNP effects jointly, slightly less accurate when groups are confounded with genetic level (a group of
// all-good animals has part of its genetic merit absorbed). A record alone in a level of some factor
// carries no information once that level's effect is estimated (it would be corrected to the mean), so
// such records are left out and counted. Without any factor, y* = y exactly.

export interface FixedEffectRecord {
  value: number;
  /** Level of each factor, in `factors` order. */
  levels: readonly string[];
}

export interface FixedEffectReport {
  /** Factor names and their level counts after dropping singletons. */
  factors: { name: string; levels: number }[];
  /** Records left out because they were alone in a level of some factor. */
  droppedSingletons: number;
  sweeps: number;
}

export interface Precorrected {
  /** Indices (into the input) of the records kept. */
  kept: number[];
  /** Corrected values of the kept records, in `kept` order. */
  values: Float64Array;
  report: FixedEffectReport;
}

const MAX_SWEEPS = 500;

export function precorrectFixedEffects(
  factors: readonly string[],
  records: readonly FixedEffectRecord[],
): Precorrected {
  const all = records.map((_, i) => i);
  if (factors.length === 0)
    return {
      kept: all,
      values: Float64Array.from(records, (r) => r.value),
      report: { factors: [], droppedSingletons: 0, sweeps: 0 },
    };
  // Drop records alone in a level until none is (dropping one can leave another alone).
  let kept = all;
  for (;;) {
    const counts = factors.map(() => new Map<string, number>());
    for (const i of kept) records[i]!.levels.forEach((l, f) => counts[f]!.set(l, (counts[f]!.get(l) ?? 0) + 1));
    const next = kept.filter((i) => records[i]!.levels.every((l, f) => counts[f]!.get(l)! > 1));
    if (next.length === kept.length) break;
    kept = next;
  }
  const n = kept.length;
  const y = Float64Array.from(kept, (i) => records[i]!.value);
  const levelIndex = factors.map((_, f) => {
    const ids = new Map<string, number>();
    const of = Int32Array.from(kept, (i) => {
      const l = records[i]!.levels[f]!;
      let id = ids.get(l);
      if (id === undefined) ids.set(l, (id = ids.size));
      return id;
    });
    return { of, size: ids.size };
  });
  if (n === 0)
    return {
      kept,
      values: y,
      report: {
        factors: factors.map((name, f) => ({ name, levels: levelIndex[f]!.size })),
        droppedSingletons: records.length,
        sweeps: 0,
      },
    };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (y[i]! - mean) ** 2;
  sd = Math.sqrt(sd / n) || 1;
  const effects = levelIndex.map((l) => new Float64Array(l.size));
  // r = y - mean - sum of all factor effects
  const r = Float64Array.from(y, (v) => v - mean);
  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let change = 0;
    levelIndex.forEach(({ of, size }, f) => {
      const b = effects[f]!;
      const sum = new Float64Array(size);
      const count = new Float64Array(size);
      for (let i = 0; i < n; i++) {
        sum[of[i]!]! += r[i]! + b[of[i]!]!;
        count[of[i]!]!++;
      }
      for (let l = 0; l < size; l++) {
        const nb = sum[l]! / count[l]!;
        change = Math.max(change, Math.abs(nb - b[l]!));
        b[l] = nb;
      }
      for (let i = 0; i < n; i++) r[i] = y[i]! - mean - effects.reduce((s, e, g) => s + e[levelIndex[g]!.of[i]!]!, 0);
    });
    if (change <= 1e-10 * sd) {
      sweeps++;
      break;
    }
  }
  // y* = mean + residual: the fixed effects removed, the overall mean kept.
  return {
    kept,
    values: Float64Array.from(r, (v) => v + mean),
    report: {
      factors: factors.map((name, f) => ({ name, levels: levelIndex[f]!.size })),
      droppedSingletons: records.length - n,
      sweeps,
    },
  };
}
