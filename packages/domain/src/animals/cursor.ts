// Opaque keyset cursors: base64url of [sort, order, last sort value, last id]. A page starts strictly
// after the row the cursor names, so rows inserted meanwhile neither repeat nor shift a page.
import { AppError } from "@reprotech/core";
import { isUuid } from "@reprotech/db";
import type { ListAnimalsInput } from "./schemas";

export interface Cursor {
  sort: ListAnimalsInput["sort"];
  order: ListAnimalsInput["order"];
  value: string | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.order, c.value, c.id])).toString("base64url");
}

export function decodeCursor(raw: string, sort: Cursor["sort"], order: Cursor["order"]): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    (parsed[2] !== null && typeof parsed[2] !== "string") ||
    typeof parsed[3] !== "string" ||
    !isUuid(parsed[3])
  )
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  if (parsed[0] !== sort || parsed[1] !== order)
    throw new AppError(
      "BAD_REQUEST",
      `The cursor belongs to a list sorted by ${parsed[0]} ${parsed[1]}, not ${sort} ${order}`,
    );
  return { sort, order, value: parsed[2] as string | null, id: parsed[3] };
}
