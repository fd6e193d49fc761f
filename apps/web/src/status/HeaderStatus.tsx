// A compact live indicator in the header, linking to the status page.
import { Loader } from "@mantine/core";
import { RouterAnchor } from "../layout/RouterLinks";
import { HealthBadge } from "./HealthBadge";
import { overallHealth, overallLabel, UNREACHABLE_LABEL } from "./health";
import { useSystemStatus } from "./useSystemStatus";

export function HeaderStatus() {
  const { query, data, worker } = useSystemStatus();
  let badge;
  if (query.isError && !data) badge = <HealthBadge health="fail" label={UNREACHABLE_LABEL} />;
  else if (!data || !worker) badge = <Loader size="xs" aria-label="Checking status" />;
  else {
    const health = query.isError ? "fail" : overallHealth(data, worker);
    badge = <HealthBadge health={health} label={query.isError ? UNREACHABLE_LABEL : overallLabel[health]} />;
  }
  return (
    <RouterAnchor to="/status" underline="never" aria-label="System status" data-testid="header-status">
      {badge}
    </RouterAnchor>
  );
}
