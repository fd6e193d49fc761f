// A secret the server shows exactly once (an API token, a password-reset link), with a copy button.
import { Alert, Button, CopyButton, Group, Stack, Text, TextInput } from "@mantine/core";

interface OneTimeSecretProps {
  label: string;
  value: string;
  /** What the reader must know: "you won't see it again", who to hand it to, when it expires. */
  children: React.ReactNode;
  testId?: string;
}

export function OneTimeSecret({ label, value, children, testId }: OneTimeSecretProps) {
  return (
    <Alert color="yellow" variant="light" title={label} data-testid={testId}>
      <Stack gap="xs">
        <Text size="sm" component="div">
          {children}
        </Text>
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <TextInput
            value={value}
            readOnly
            aria-label={label}
            style={{ flex: 1 }}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            onFocus={(e) => e.currentTarget.select()}
            data-testid={testId ? `${testId}-value` : undefined}
          />
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <Button color={copied ? "teal" : "blue"} onClick={copy}>
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}
