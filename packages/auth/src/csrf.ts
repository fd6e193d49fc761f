// CSRF defence for cookie-authenticated state-changing requests: the browser's Origin header must
// name one of our origins. SameSite=Lax already keeps the cookie off most cross-site POSTs; this
// closes the rest (sibling subdomains count as same-site, old browsers). A missing Origin is refused.
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether `origin` is allowed: equal to one of `allowed` (bare origins such as
 * `https://app.example`), or, when `allowed` is empty, to `http(s)://<host>` of the request itself.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin || origin === "null") return false;
  const normalized = originOf(origin);
  // Browsers send exactly scheme://host[:port]; anything else is not a browser's Origin.
  if (!normalized || normalized !== origin.toLowerCase()) return false;
  if (allowed.length) return allowed.some((a) => originOf(a) === normalized);
  if (!host || !HOST.test(host)) return false;
  return normalized === originOf(`https://${host}`) || normalized === originOf(`http://${host}`);
}
