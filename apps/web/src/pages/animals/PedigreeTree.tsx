// The pedigree drawn as an SVG tree (layout in pedigreeLayout.ts): sires in blue above dams in red,
// catalogue AI bulls marked "AI" with their NAAB code, unknown parents as dashed empty boxes, an
// ancestor that appears twice (inbreeding) outlined in orange. Herd animals open their own page;
// a bull opens the catalogue on it. Boxes are links for the keyboard too (Enter).
import { Group, ScrollArea, Text } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import type { Pedigree } from "../../trpc";
import { BOX_HEIGHT, BOX_WIDTH, layoutPedigree, type LaidOutBox } from "./pedigreeLayout";

const PAD = 4;
const COLORS = {
  self: { stroke: "var(--mantine-color-dark-4)", fill: "var(--mantine-color-gray-0)" },
  sire: { stroke: "var(--mantine-color-blue-6)", fill: "var(--mantine-color-blue-0)" },
  dam: { stroke: "var(--mantine-color-pink-6)", fill: "var(--mantine-color-pink-0)" },
} as const;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function Box({ box, onOpen }: { box: LaidOutBox; onOpen: (box: LaidOutBox) => void }) {
  const { node, role } = box;
  const color = COLORS[role];
  if (!node) {
    return (
      <g transform={`translate(${box.x},${box.y})`} data-testid="pedigree-node" data-role={role} data-kind="unknown">
        <rect
          width={BOX_WIDTH}
          height={BOX_HEIGHT}
          rx={6}
          fill="none"
          stroke="var(--mantine-color-gray-4)"
          strokeDasharray="4 3"
        />
        <text x={10} y={BOX_HEIGHT / 2 + 4} fontSize={12} fill="var(--mantine-color-dimmed)">
          {role === "sire" ? "Sire unknown" : "Dam unknown"}
        </text>
      </g>
    );
  }
  const bull = node.kind === "bull";
  const title = bull ? (node.naabCode ?? node.registrationNumber ?? "") : (node.officialId ?? "");
  const sub = [node.name, node.birthDate?.slice(0, 4)].filter(Boolean).join(" · ");
  const open = () => onOpen(box);
  return (
    <g
      transform={`translate(${box.x},${box.y})`}
      role="link"
      tabIndex={0}
      aria-label={`${role === "self" ? "This animal" : role === "sire" ? "Sire" : "Dam"} ${title}${node.name ? ` ${node.name}` : ""}`}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === "Enter") open();
      }}
      style={{ cursor: role === "self" ? "default" : "pointer" }}
      data-testid="pedigree-node"
      data-role={role}
      data-kind={node.kind}
      data-generation={box.generation}
      data-id={node.id}
    >
      <title>{[bull ? `AI bull ${title}` : title, node.name, node.birthDate].filter(Boolean).join("\n")}</title>
      <rect
        width={BOX_WIDTH}
        height={BOX_HEIGHT}
        rx={6}
        fill={color.fill}
        stroke={box.repeated ? "var(--mantine-color-orange-6)" : color.stroke}
        strokeWidth={role === "self" || box.repeated ? 2 : 1.25}
      />
      <text x={10} y={19} fontSize={12} fontWeight={600} fontFamily="var(--mantine-font-family-monospace)">
        {clip(title, bull ? 16 : 21)}
      </text>
      <text x={10} y={36} fontSize={11} fill="var(--mantine-color-dimmed)">
        {clip(sub || (bull ? "Catalogue bull" : "—"), 27)}
      </text>
      {bull && (
        <g transform={`translate(${BOX_WIDTH - 34},${PAD + 4})`} data-testid="pedigree-bull-mark">
          <rect width={26} height={16} rx={8} fill="var(--mantine-color-blue-6)" />
          <text x={13} y={12} fontSize={10} fontWeight={700} fill="white" textAnchor="middle">
            AI
          </text>
        </g>
      )}
    </g>
  );
}

export function PedigreeTree({ pedigree, depth }: { pedigree: Pedigree; depth: number }) {
  const navigate = useNavigate();
  const layout = layoutPedigree(pedigree.root, pedigree.nodes, depth);
  const onOpen = (box: LaidOutBox) => {
    const node = box.node;
    if (!node || box.role === "self") return;
    if (node.kind === "bull")
      void navigate({ to: "/bulls", search: { q: node.naabCode ?? node.registrationNumber ?? "" } });
    else void navigate({ to: "/animals/$animalId", params: { animalId: node.id }, search: (prev) => prev });
  };
  return (
    <div>
      <ScrollArea type="auto" offsetScrollbars>
        <svg
          width={layout.width + 2 * PAD}
          height={layout.height + 2 * PAD}
          viewBox={`${-PAD} ${-PAD} ${layout.width + 2 * PAD} ${layout.height + 2 * PAD}`}
          role="img"
          aria-label={`Pedigree of ${pedigree.root.officialId ?? "this animal"}, ${depth} generations`}
          data-testid="pedigree-tree"
          style={{ display: "block", fontFamily: "var(--mantine-font-family)" }}
        >
          {layout.links.map((l) => {
            const mid = (l.from.x + l.to.x) / 2;
            return (
              <path
                key={l.key}
                d={`M${l.from.x},${l.from.y} H${mid} V${l.to.y} H${l.to.x}`}
                fill="none"
                stroke={l.role === "sire" ? "var(--mantine-color-blue-3)" : "var(--mantine-color-pink-3)"}
                strokeWidth={1.5}
              />
            );
          })}
          {layout.boxes.map((b) => (
            <Box key={b.key} box={b} onOpen={onOpen} />
          ))}
        </svg>
      </ScrollArea>
      <Group gap="lg" mt="xs">
        <Legend color="blue" label="Sire" />
        <Legend color="pink" label="Dam" />
        <Legend color="orange" label="Appears more than once (inbreeding)" outline />
        <Text size="xs" c="dimmed">
          <Text span fw={700} c="blue">
            AI
          </Text>{" "}
          catalogue bull (NAAB code)
        </Text>
      </Group>
    </div>
  );
}

function Legend({ color, label, outline }: { color: string; label: string; outline?: boolean }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span
        style={{
          display: "inline-block",
          width: 14,
          height: 10,
          borderRadius: 3,
          border: `2px solid var(--mantine-color-${color}-6)`,
          background: outline ? "transparent" : `var(--mantine-color-${color}-0)`,
        }}
      />
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}
