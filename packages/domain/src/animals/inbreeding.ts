// Pedigree inbreeding coefficients by Meuwissen & Luo (1992), "Computing inbreeding coefficients in
// large populations", Genet. Sel. Evol. 24:305–313. Pure: no I/O, browser-safe.
//
// For animal i, F_i = Σ_j L_ij² D_j − 1 over i and its ancestors j, where L is the row of the
// Cholesky-like factor of the numerator relationship matrix (A = L D Lᵀ), found by tracing i's
// ancestors from youngest to oldest (each passes half its coefficient to each parent), and
// D_j = ½ − ¼(F_sire + F_dam), with F of an unknown parent taken as −1 (so D = 1 for a founder
// and ¾ − ¼F for an animal with one known parent).

export interface PedigreeEntry {
  id: string;
  sire: string | null;
  dam: string | null;
}

/**
 * Orders a pedigree so every parent comes before its offspring. Parents referenced but not listed
 * are added as founders. Throws when an animal is its own ancestor.
 */
export function sortPedigree(entries: readonly PedigreeEntry[]): PedigreeEntry[] {
  const byId = new Map<string, PedigreeEntry>();
  for (const e of entries) {
    if (byId.has(e.id)) throw new Error(`Animal ${e.id} appears twice in the pedigree`);
    byId.set(e.id, { id: e.id, sire: e.sire ?? null, dam: e.dam ?? null });
  }
  for (const e of entries)
    for (const p of [e.sire, e.dam]) if (p && !byId.has(p)) byId.set(p, { id: p, sire: null, dam: null });

  const out: PedigreeEntry[] = [];
  const state = new Map<string, "visiting" | "done">();
  // Iterative depth-first post-order, so deep pedigrees cannot overflow the stack.
  for (const start of byId.keys()) {
    if (state.get(start) === "done") continue;
    const stack: { id: string; expanded: boolean }[] = [{ id: start, expanded: false }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const entry = byId.get(top.id)!;
      if (top.expanded) {
        stack.pop();
        if (state.get(top.id) !== "done") {
          state.set(top.id, "done");
          out.push(entry);
        }
        continue;
      }
      // Reached along a second path and finished meanwhile: nothing left to do.
      if (state.get(top.id) === "done") {
        stack.pop();
        continue;
      }
      top.expanded = true;
      state.set(top.id, "visiting");
      for (const p of [entry.sire, entry.dam]) {
        if (!p) continue;
        const s = state.get(p);
        if (s === "visiting") throw new Error(`Animal ${p} is its own ancestor`);
        if (s !== "done") stack.push({ id: p, expanded: false });
      }
    }
  }
  return out;
}

/** Inbreeding coefficient of every animal in the pedigree (and of parents referenced but not listed). */
export function inbreedingCoefficients(entries: readonly PedigreeEntry[]): Map<string, number> {
  const sorted = sortPedigree(entries);
  const n = sorted.length;
  // 1-based numbering in topological order; 0 = unknown parent.
  const index = new Map<string, number>();
  sorted.forEach((e, i) => index.set(e.id, i + 1));
  const sire = new Int32Array(n + 1);
  const dam = new Int32Array(n + 1);
  sorted.forEach((e, i) => {
    sire[i + 1] = e.sire ? index.get(e.sire)! : 0;
    dam[i + 1] = e.dam ? index.get(e.dam)! : 0;
  });

  const F = new Float64Array(n + 1);
  const D = new Float64Array(n + 1);
  F[0] = -1;
  const L = new Float64Array(n + 1);
  const heap = new MaxHeap();
  const inHeap = new Uint8Array(n + 1);

  for (let i = 1; i <= n; i++) {
    const s = sire[i]!;
    const d = dam[i]!;
    D[i] = 0.5 - 0.25 * (F[s]! + F[d]!);
    if (s === 0 || d === 0) {
      F[i] = 0; // an unknown parent cannot share ancestors with the known one
      continue;
    }
    // Full sibs of the previous animal share its coefficient (a standard shortcut of the algorithm).
    if (i > 1 && s === sire[i - 1] && d === dam[i - 1]) {
      F[i] = F[i - 1]!;
      continue;
    }
    let f = -1;
    L[i] = 1;
    heap.push(i);
    inHeap[i] = 1;
    while (heap.size) {
      const j = heap.pop();
      inHeap[j] = 0;
      const r = 0.5 * L[j]!;
      for (const p of [sire[j]!, dam[j]!]) {
        if (p === 0) continue;
        L[p] = L[p]! + r;
        if (!inHeap[p]) {
          heap.push(p);
          inHeap[p] = 1;
        }
      }
      f += L[j]! * L[j]! * D[j]!;
      L[j] = 0;
    }
    F[i] = f;
  }

  const result = new Map<string, number>();
  sorted.forEach((e, i) => result.set(e.id, round(F[i + 1]!)));
  return result;
}

/** Inbreeding coefficient of one animal given (at least) its ancestors. */
export function inbreedingOf(id: string, entries: readonly PedigreeEntry[]): number {
  const F = inbreedingCoefficients(entries).get(id);
  if (F === undefined) throw new Error(`Animal ${id} is not in the pedigree`);
  return F;
}

/** Removes floating-point dust (0.25000000000000006 → 0.25) without hiding real precision. */
const round = (x: number) => Math.round(x * 1e12) / 1e12;

class MaxHeap {
  private items: number[] = [];
  get size() {
    return this.items.length;
  }
  push(x: number) {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! >= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! > a[m]!) m = l;
        if (r < a.length && a[r]! > a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
