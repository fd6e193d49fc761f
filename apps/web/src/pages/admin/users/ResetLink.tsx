// The one-time password link the server issued, as a full URL to hand over.
import { OneTimeSecret } from "../../../components/OneTimeSecret";
import { formatDateTime } from "../../../lib/format";
import type { ResetLink as ResetLinkData } from "../../../trpc";

export function ResetLink({ link, who }: { link: ResetLinkData; who: string }) {
  return (
    <OneTimeSecret label="One-time password link" value={window.location.origin + link.resetPath} testId="reset-link">
      Give this link to {who} through a channel you trust. It works once, until {formatDateTime(link.expiresAt)}. You
      will not see it again: if it is lost, issue a new one.
    </OneTimeSecret>
  );
}
