import { Badge, type BadgeProps } from "@mantine/core";
import type { Health } from "./health";

const color: Record<Health, string> = { ok: "green", warn: "yellow", fail: "red" };
const defaultLabel: Record<Health, string> = { ok: "OK", warn: "Attention", fail: "Failing" };

interface HealthBadgeProps extends Omit<BadgeProps, "color" | "children"> {
  health: Health;
  label?: string;
  "data-testid"?: string;
}

/** A coloured state badge; the state is also in `data-health` for tests and assistive styling. */
export function HealthBadge({ health, label, ...rest }: HealthBadgeProps) {
  return (
    <Badge color={color[health]} variant="light" data-health={health} {...rest}>
      {label ?? defaultLabel[health]}
    </Badge>
  );
}
