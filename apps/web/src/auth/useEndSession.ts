// Leaving the signed-in app: go to /sign-in (with a notice saying why), then forget every cached answer,
// so nothing of this user stays in memory for the next one.
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useCallback } from "react";
import type { Notice } from "./search";

export function useEndSession() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(
    async (notice: Notice) => {
      await navigate({ to: "/sign-in", search: { notice } });
      queryClient.clear();
    },
    [navigate, queryClient],
  );
}
