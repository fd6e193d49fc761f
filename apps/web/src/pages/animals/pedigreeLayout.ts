// Lays a pedigree out as the classic sideways tree: the animal on the left, each generation a column
// to the right, sire above dam. Slot i of generation g has its sire in slot 2i and its dam in 2i+1 of
// generation g+1, so every box sits midway between its parents. Unknown parents get an empty slot
// (drawn as "unknown") one generation deep, so a gap in the records is visible. An ancestor reached
// along two paths (inbreeding) is drawn in each slot and flagged as repeated.
import type { PedigreeNode } from "../../trpc";

export const BOX_WIDTH = 184;
export const BOX_HEIGHT = 46;
export const COLUMN_GAP = 36;
export const ROW_GAP = 10;

export type ParentRole = "self" | "sire" | "dam";

export interface LaidOutBox {
  key: string;
  generation: number;
  /** Position in its generation (0 = top). */
  slot: number;
  role: ParentRole;
  node: PedigreeNode | null;
  /** The same ancestor appears elsewhere in the tree. */
  repeated: boolean;
  x: number;
  y: number;
}

export interface LaidOutLink {
  key: string;
  from: { x: number; y: number };
  to: { x: number; y: number };
  role: "sire" | "dam";
}

export interface PedigreeLayout {
  boxes: LaidOutBox[];
  links: LaidOutLink[];
  width: number;
  height: number;
}

/** Places `root` and its ancestors up to `depth` generations. */
export function layoutPedigree(root: PedigreeNode, nodes: readonly PedigreeNode[], depth: number): PedigreeLayout {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  byId.set(root.id, root);
  // The deepest generation with a box decides the height: a slot per possible ancestor there.
  const slots: { generation: number; slot: number; role: ParentRole; node: PedigreeNode | null }[] = [];
  const walk = (node: PedigreeNode | null, generation: number, slot: number, role: ParentRole) => {
    slots.push({ generation, slot, role, node });
    if (!node || generation >= depth || node.kind === "bull") return;
    const sire = (node.sireId && byId.get(node.sireId)) || (node.sireBullId && byId.get(node.sireBullId)) || null;
    const dam = (node.damId && byId.get(node.damId)) || null;
    // Below a missing parent there is nothing to draw; the missing one itself is shown.
    walk(sire, generation + 1, slot * 2, "sire");
    walk(dam, generation + 1, slot * 2 + 1, "dam");
  };
  walk(root, 0, 0, "self");

  const deepest = Math.max(...slots.map((s) => s.generation));
  const rows = 2 ** deepest;
  const rowHeight = BOX_HEIGHT + ROW_GAP;
  const height = rows * rowHeight;
  const count = new Map<string, number>();
  for (const s of slots) if (s.node) count.set(s.node.id, (count.get(s.node.id) ?? 0) + 1);

  const boxes: LaidOutBox[] = slots.map((s) => {
    const span = height / 2 ** s.generation;
    return {
      key: `${s.generation}:${s.slot}`,
      generation: s.generation,
      slot: s.slot,
      role: s.role,
      node: s.node,
      repeated: s.node !== null && (count.get(s.node.id) ?? 0) > 1,
      x: s.generation * (BOX_WIDTH + COLUMN_GAP),
      y: s.slot * span + span / 2 - BOX_HEIGHT / 2,
    };
  });
  const at = new Map(boxes.map((b) => [b.key, b]));
  const links: LaidOutLink[] = [];
  for (const b of boxes) {
    if (b.generation === 0) continue;
    const child = at.get(`${b.generation - 1}:${Math.floor(b.slot / 2)}`);
    if (!child) continue;
    links.push({
      key: `${child.key}->${b.key}`,
      from: { x: child.x + BOX_WIDTH, y: child.y + BOX_HEIGHT / 2 },
      to: { x: b.x, y: b.y + BOX_HEIGHT / 2 },
      role: b.role === "dam" ? "dam" : "sire",
    });
  }
  return { boxes, links, width: (deepest + 1) * BOX_WIDTH + deepest * COLUMN_GAP, height };
}
