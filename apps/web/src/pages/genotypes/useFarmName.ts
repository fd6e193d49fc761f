// A farm's name for a heading: staff read it from the customer directory they already load; a
// customer user (no directory) asks for their own farm (customers.get, which every role may read).
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { useFarms } from "../animals/useFarms";

export function useFarmName(customerId: string | null | undefined): string {
  const trpc = useTRPC();
  const farms = useFarms();
  const own = useQuery(
    trpc.customers.get.queryOptions({ customerId: customerId ?? "" }, { enabled: !farms.staff && !!customerId }),
  );
  if (farms.staff) return farms.directory.nameOf(customerId);
  return own.data?.name ?? farms.directory.nameOf(customerId);
}
