// Downloads of the list as it is filtered and sorted now: plain links to the export route, so the
// browser streams the file to disk itself (the session cookie authorises the request).
import { Button, Group } from "@mantine/core";
import { exportUrl, type listFilters } from "./search";

export function ExportButtons({ filters, disabled }: { filters: ReturnType<typeof listFilters>; disabled?: boolean }) {
  return (
    <Group gap="xs" wrap="nowrap">
      {(["csv", "xlsx"] as const).map((format) => (
        <Button
          key={format}
          component="a"
          href={exportUrl(filters, format)}
          download
          variant="default"
          size="sm"
          disabled={disabled}
          data-testid={`export-${format}`}
        >
          Export {format.toUpperCase()}
        </Button>
      ))}
    </Group>
  );
}
