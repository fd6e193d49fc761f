// E-mail and password. The server answers one generic message for any wrong pair (it never says which
// half was wrong) and a lock message after too many failures; both are shown as they come.
import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { emailSchema } from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { errorMessage } from "../lib/errors";
import { validate, type FieldErrors } from "../lib/validate";
import { httpStatusOf } from "../queryClient";
import { useTRPC } from "../trpc";
import { PublicCard } from "./PublicCard";
import { NOTICES } from "./search";

const signInForm = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password") });

export function SignInPage() {
  const search = useSearch({ from: "/sign-in" });
  const navigate = useNavigate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (me) => {
        // A different person may have used this tab before: start from a clean cache.
        queryClient.clear();
        queryClient.setQueryData(trpc.auth.me.queryKey(), me);
        await navigate({ href: search.redirect ?? "/", replace: true });
      },
      onError: () => setPassword(""),
    }),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    const result = validate(signInForm, { email, password });
    setErrors(result.errors);
    if (result.ok) signIn.mutate(result.data);
  }

  const locked = httpStatusOf(signIn.error) === 429;
  return (
    <PublicCard title="Sign in" testId="sign-in-page">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {search.notice && !signIn.error && (
            <Alert color="blue" variant="light" data-testid="sign-in-notice">
              {NOTICES[search.notice]}
            </Alert>
          )}
          {signIn.error && (
            <Alert
              color={locked ? "orange" : "red"}
              variant="light"
              title={locked ? "Sign-in locked for now" : undefined}
              role="alert"
              data-testid="sign-in-error"
            >
              {errorMessage(signIn.error)}
            </Alert>
          )}
          <TextInput
            label="E-mail"
            type="email"
            autoComplete="username"
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.email}
            required
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
            required
          />
          <Button type="submit" loading={signIn.isPending} fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
    </PublicCard>
  );
}
