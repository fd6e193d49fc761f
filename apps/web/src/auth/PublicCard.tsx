// The frame of the pages you see without being signed in: product name above one centred card.
import { Box, Center, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

export function PublicCard({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Box w="100%" maw={420}>
        <Stack gap={4} mb="lg" align="center">
          <Title order={1} size="h2" data-testid="product-name">
            Reprotech
          </Title>
          <Text size="sm" c="dimmed">
            Livestock reproduction &amp; genomics
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p="xl" data-testid={testId}>
          <Title order={2} size="h3" mb="md">
            {title}
          </Title>
          {children}
        </Paper>
      </Box>
    </Center>
  );
}
