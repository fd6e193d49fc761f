// The signed-in part of the app: the guard in router.tsx has loaded auth.me; this keeps it live
// (react-query refetches it on focus) and hands it to every page below.
import { Center, Loader } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { AppLayout } from "../layout/AppLayout";
import { useTRPC } from "../trpc";
import { MeProvider } from "./me";

export function SignedInLayout() {
  const trpc = useTRPC();
  const { data: me } = useQuery(trpc.auth.me.queryOptions());
  if (!me)
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  return (
    <MeProvider me={me}>
      <AppLayout />
    </MeProvider>
  );
}
