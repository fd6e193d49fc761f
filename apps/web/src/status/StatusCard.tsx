// A card with a title, a state badge and a list of facts (a <dl>, so each value is labelled).
import { Card, Group, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { HealthBadge } from "./HealthBadge";
import type { Health } from "./health";

interface StatusCardProps {
  title: string;
  health?: Health;
  badgeLabel?: string;
  testId: string;
  children: ReactNode;
}

export function StatusCard({ title, health, badgeLabel, testId, children }: StatusCardProps) {
  return (
    <Card withBorder padding="lg" data-testid={testId} component="section" aria-label={title}>
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Title order={3} size="h4">
          {title}
        </Title>
        {health && <HealthBadge health={health} label={badgeLabel} size="lg" data-testid={`${testId}-badge`} />}
      </Group>
      <Stack component="dl" gap={8} m={0}>
        {children}
      </Stack>
    </Card>
  );
}

interface FactProps {
  label: string;
  testId?: string;
  title?: string;
  children: ReactNode;
}

export function Fact({ label, testId, title, children }: FactProps) {
  return (
    <Group justify="space-between" align="baseline" wrap="nowrap" gap="md">
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" size="sm" fw={500} m={0} ta="right" data-testid={testId} title={title}>
        {children}
      </Text>
    </Group>
  );
}
