// The /sign-in page's search parameters: where to go afterwards, and why we are here.
export const NOTICES = {
  "signed-out": "You have signed out.",
  "signed-out-everywhere": "You have signed out on every device.",
  "password-changed": "Your password was changed and all your sessions ended. Sign in with the new password.",
  "password-set": "Your password is set. Sign in with it.",
  "session-ended": "Your session has ended. Sign in again to continue.",
} as const;
export type Notice = keyof typeof NOTICES;

export interface SignInSearch {
  redirect?: string;
  notice?: Notice;
}

/** Only same-app paths are followed after sign-in ("/x", not "//evil.example" or "https://…"). */
export function safeRedirect(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\"))
    return undefined;
  if (value.startsWith("/sign-in") || value.startsWith("/reset-password")) return undefined;
  return value;
}

export function parseSignInSearch(search: Record<string, unknown>): SignInSearch {
  const notice = typeof search.notice === "string" && search.notice in NOTICES ? (search.notice as Notice) : undefined;
  const redirect = safeRedirect(search.redirect);
  return { ...(redirect ? { redirect } : {}), ...(notice ? { notice } : {}) };
}
