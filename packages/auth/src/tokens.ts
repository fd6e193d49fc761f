// Tokens handed to clients (sessions, API tokens, password-reset links): `<id>.<secret>`. The id
// finds the row; only SHA-256(secret) is stored, and it is compared in constant time, so neither a
// database leak nor a timing probe yields a usable token (Lucia's session guide).
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/** 15 random bytes = 120 bits = 24 base32 characters (the column holds 32). */
const ID_BYTES = 15;
/** 20 random bytes = 160 bits = 32 base32 characters. */
const SECRET_BYTES = 20;
const ID = /^[a-z2-7]{24}$/;
const SECRET = /^[a-z2-7]{32}$/;

export interface GeneratedToken {
  id: string;
  secret: string;
  /** What the client gets, once. */
  token: string;
  /** What the database keeps. */
  secretHash: Uint8Array;
}

function random(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return encodeBase32LowerCaseNoPadding(buffer);
}

export function generateToken(): GeneratedToken {
  const id = random(ID_BYTES);
  const secret = random(SECRET_BYTES);
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** The parts of a well-formed token, or null. */
export function parseToken(token: string): { id: string; secret: string } | null {
  if (typeof token !== "string" || token.length !== 57) return null;
  const [id, secret, ...rest] = token.split(".");
  if (rest.length || !id || !secret || !ID.test(id) || !SECRET.test(secret)) return null;
  return { id, secret };
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** Constant-time comparison of SHA-256(secret) with the stored hash. */
export function secretMatches(secret: string, hash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), new Uint8Array(hash));
}
