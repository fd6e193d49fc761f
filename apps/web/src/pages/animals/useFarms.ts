// Which farm(s) an animals page works on. Customer users: their own, always. Staff: the farms they
// reach (customers.list answers only those); with one farm it is the farm, with several they pick.
import { useMe } from "../../auth/me";
import { useCustomerDirectory } from "../admin/useCustomerDirectory";

export function useFarms() {
  const me = useMe();
  const staff = me.customerId === null;
  const directory = useCustomerDirectory(staff);
  const only = staff && directory.items.length === 1 ? directory.items[0]!.id : null;
  return {
    staff,
    /** The farm every write goes to when there is no choice to make. */
    ownCustomerId: me.customerId ?? only,
    /** Staff reaching several farms choose one (or all, for reading). */
    needsPicker: staff && directory.items.length > 1,
    directory,
  };
}
