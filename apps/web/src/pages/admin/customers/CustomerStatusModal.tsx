// Suspending keeps the farm's data but signs its users out at once; reactivating lets them back in.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ConfirmModal } from "../../../components/ConfirmModal";
import { useTRPC, type Customer } from "../../../trpc";

export function CustomerStatusModal({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const suspend = customer.status === "active";
  const setStatus = useMutation(
    trpc.customers.setStatus.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.customers.pathFilter());
        onClose();
      },
    }),
  );
  return (
    <ConfirmModal
      opened
      title={suspend ? `Suspend ${customer.name}?` : `Reactivate ${customer.name}?`}
      confirmLabel={suspend ? "Suspend" : "Reactivate"}
      color={suspend ? "red" : "teal"}
      loading={setStatus.isPending}
      error={setStatus.error}
      onClose={onClose}
      onConfirm={() => setStatus.mutate({ customerId: customer.id, status: suspend ? "suspended" : "active" })}
    >
      {suspend
        ? "Everyone at this farm is signed out now and cannot sign in until it is reactivated. Its data is kept."
        : "The farm's users can sign in again."}
    </ConfirmModal>
  );
}
