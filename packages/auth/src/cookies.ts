// The session cookie. Over HTTPS it is `__Host-reprotech_session`: the prefix makes browsers insist
// on Secure, Path=/ and no Domain, so no sibling subdomain can set or overwrite it. Browsers refuse
// a __Host- cookie without Secure, so plain-HTTP development (http://localhost) uses the
// un-prefixed `reprotech_session`. The name is not configurable.
export const SESSION_COOKIE = "__Host-reprotech_session";
export const DEV_SESSION_COOKIE = "reprotech_session";

/** `__Host-reprotech_session` when the client reached us over HTTPS, else `reprotech_session`. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SESSION_COOKIE : DEV_SESSION_COOKIE;
}

const attributes = (secure: boolean) => `Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;

/** A Set-Cookie value carrying the session token until the session's absolute expiry. */
export function sessionCookie(token: string, expiresAt: Date, opts: { secure: boolean }): string {
  if (!/^[A-Za-z0-9._-]+$/.test(token)) throw new Error("Not a session token");
  return `${sessionCookieName(opts.secure)}=${token}; ${attributes(opts.secure)}; Expires=${expiresAt.toUTCString()}`;
}

/** A Set-Cookie value that makes the browser drop the session cookie. */
export function clearSessionCookie(opts: { secure: boolean }): string {
  return `${sessionCookieName(opts.secure)}=; ${attributes(opts.secure)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

/**
 * The session token from a Cookie header, or null. Reads either name, preferring the __Host- one;
 * pass `secure: true` on HTTPS requests to accept only the __Host- cookie (the un-prefixed one
 * could have been planted by a sibling subdomain).
 */
export function readSessionCookie(cookieHeader: string | undefined, opts: { secure?: boolean } = {}): string | null {
  if (!cookieHeader) return null;
  let hostCookie: string | null = null;
  let devCookie: string | null = null;
  for (const pair of cookieHeader.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value) continue;
    if (name === SESSION_COOKIE) hostCookie ??= value;
    else if (name === DEV_SESSION_COOKIE) devCookie ??= value;
  }
  return hostCookie ?? (opts.secure ? null : devCookie);
}
