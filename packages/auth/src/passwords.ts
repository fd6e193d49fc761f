// Passwords: a length policy counted in Unicode code points (no silent truncation) and Argon2id at
// OWASP's minimum (19 MiB, 2 passes, 1 lane). Passwords are NFC-normalised before hashing and
// verifying, so the same characters typed on different keyboards give the same hash.
import { hash, verify, type Algorithm } from "@node-rs/argon2";
import { AppError, checkPasswordPolicy, codePoints, PASSWORD_MAX } from "@reprotech/core";

// The policy itself lives in @reprotech/core (browser-safe), so the SPA applies the same rule.
export { checkPasswordPolicy, PASSWORD_MAX, PASSWORD_MIN } from "@reprotech/core";

/** `Algorithm.Argon2id`; the enum is a `const enum`, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

export const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * A hash of a random password nobody knows, with HASH_OPTIONS: verified against when the e-mail is
 * unknown (or the user has no password), so that answer takes as long as a wrong password.
 */
export const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$t+ALqlIs94R8oh6g7qX/LA$Ie+dFAExutOaePPhSrx+6053fc/4o+UkI/28LXx8xnA";

export async function hashPassword(password: string): Promise<string> {
  const problem = checkPasswordPolicy(password);
  if (problem) throw new AppError("BAD_REQUEST", problem);
  return hash(password.normalize("NFC"), HASH_OPTIONS);
}

/** False for a wrong password, an over-long one (no stored hash can match it) or a malformed hash. */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  if (codePoints(password) > PASSWORD_MAX) return false;
  try {
    return await verify(hashed, password.normalize("NFC"));
  } catch {
    return false;
  }
}
