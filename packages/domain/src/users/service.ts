// Users and their customer assignments. Takes the caller's tenant transaction (row-level security:
// a customer admin's transaction only reaches its own farm's users) and the caller, whose role
// limits which roles it may hand out.
import { AppError, CUSTOMER_ROLES, notFound, type Role } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import type { z } from "zod";
import type { createUserInput, listUsersInput, setAssignmentsInput, updateUserInput, UserView } from "./schemas";

export interface Actor {
  userId: string;
  role: Role;
}

const SELECT = {
  id: true,
  email: true,
  displayName: true,
  role: true,
  customerId: true,
  status: true,
  passwordHash: true,
  createdAt: true,
  updatedAt: true,
  assignments: { select: { customerId: true }, orderBy: { customerId: "asc" } },
} as const;

type Row = {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  customerId: string | null;
  status: "active" | "disabled";
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  assignments: { customerId: string }[];
};

const toView = ({ passwordHash, assignments, ...row }: Row): UserView => ({
  ...row,
  hasPassword: passwordHash !== null,
  assignedCustomerIds: assignments.map((a) => a.customerId),
});

const isCustomerRole = (role: Role) => CUSTOMER_ROLES.includes(role);
const isAdminRole = (role: Role) => role === "admin" || role === "super_admin";

/** Which roles an actor may give: customer admins hand out customer roles only; only super admins make super admins. */
function assertMayGrant(actor: Actor, role: Role) {
  if (actor.role === "customer_admin" && !isCustomerRole(role)) {
    throw new AppError("FORBIDDEN", "Customer admins can only create customer admins and customer users");
  }
  if (role === "super_admin" && actor.role !== "super_admin")
    throw new AppError("FORBIDDEN", "Only a super admin can grant super admin");
}

export async function listUsers(tx: Tx, input: z.infer<typeof listUsersInput>) {
  const rows = await tx.user.findMany({
    where: {
      ...(input.customerId ? { customerId: input.customerId } : {}),
      ...(input.role ? { role: input.role } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.search
        ? {
            OR: [
              { email: { contains: input.search.toLowerCase() } },
              { displayName: { contains: input.search, mode: "insensitive" as const } },
            ],
          }
        : {}),
    },
    orderBy: [{ email: "asc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: SELECT,
  });
  const more = rows.length > input.limit;
  const page = (more ? rows.slice(0, input.limit) : rows) as Row[];
  return { items: page.map(toView), nextCursor: more ? page.at(-1)!.id : null };
}

export async function getUser(tx: Tx, userId: string): Promise<UserView> {
  const row = (await tx.user.findUnique({ where: { id: userId }, select: SELECT })) as Row | null;
  if (!row) throw notFound("User");
  return toView(row);
}

export async function createUser(tx: Tx, actor: Actor, input: z.infer<typeof createUserInput>): Promise<UserView> {
  assertMayGrant(actor, input.role);
  if (isCustomerRole(input.role) !== Boolean(input.customerId)) {
    throw new AppError(
      "BAD_REQUEST",
      isCustomerRole(input.role) ? "Customer roles need a customer" : "Internal staff do not belong to a customer",
    );
  }
  if (input.customerId && !(await tx.customer.findUnique({ where: { id: input.customerId }, select: { id: true } }))) {
    throw notFound("Customer");
  }
  if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new AppError("CONFLICT", `A user with the e-mail ${input.email} already exists`);
  }
  const row = await tx.user.create({
    data: {
      email: input.email,
      displayName: input.displayName,
      role: input.role,
      customerId: input.customerId ?? null,
    },
    select: SELECT,
  });
  return toView(row as Row);
}

export interface UserChange {
  before: UserView;
  after: UserView;
  /** Role, status or assignments changed: the user's sessions must end. */
  endsSessions: boolean;
}

/** Refuses to leave the system without an active super admin. */
async function assertNotLastSuperAdmin(tx: Tx, user: UserView, nextRole: Role, nextStatus: string) {
  if (user.role !== "super_admin" || user.status !== "active") return;
  if (nextRole === "super_admin" && nextStatus === "active") return;
  const others = await tx.user.count({ where: { role: "super_admin", status: "active", id: { not: user.id } } });
  if (others === 0)
    throw new AppError("CONFLICT", "This is the last active super admin; make another super admin first");
}

export async function updateUser(tx: Tx, actor: Actor, input: z.infer<typeof updateUserInput>): Promise<UserChange> {
  const before = await getUser(tx, input.userId);
  if (before.role === "super_admin" && actor.role !== "super_admin")
    throw new AppError("FORBIDDEN", "Only a super admin can change a super admin");
  if (actor.role === "customer_admin" && !isCustomerRole(before.role)) throw notFound("User");
  const role = input.role ?? before.role;
  const status = input.status ?? before.status;
  if (input.role) {
    assertMayGrant(actor, input.role);
    if (isCustomerRole(input.role) !== isCustomerRole(before.role)) {
      throw new AppError(
        "BAD_REQUEST",
        "A user cannot move between customer and internal roles; create a new user instead",
      );
    }
  }
  if (input.userId === actor.userId && status === "disabled")
    throw new AppError("BAD_REQUEST", "You cannot disable yourself");
  await assertNotLastSuperAdmin(tx, before, role, status);
  const row = await tx.user.update({
    where: { id: input.userId },
    data: {
      ...(input.displayName ? { displayName: input.displayName } : {}),
      role,
      status,
      // Internal staff keep assignments only where their role uses them.
      ...(role !== "veterinarian" && role !== "technician" ? { assignments: { deleteMany: {} } } : {}),
    },
    select: SELECT,
  });
  const after = toView(row as Row);
  return { before, after, endsSessions: before.role !== after.role || before.status !== after.status };
}

export async function setAssignments(tx: Tx, input: z.infer<typeof setAssignmentsInput>): Promise<UserChange> {
  const before = await getUser(tx, input.userId);
  if (before.role !== "veterinarian" && before.role !== "technician") {
    throw new AppError("BAD_REQUEST", "Only veterinarians and technicians are assigned to customers");
  }
  const ids = [...new Set(input.customerIds)].sort();
  const found = await tx.customer.count({ where: { id: { in: ids } } });
  if (found !== ids.length) throw notFound("Customer");
  await tx.customerAssignment.deleteMany({ where: { userId: input.userId } });
  if (ids.length)
    await tx.customerAssignment.createMany({ data: ids.map((customerId) => ({ userId: input.userId, customerId })) });
  const after = await getUser(tx, input.userId);
  const changed = before.assignedCustomerIds.join() !== after.assignedCustomerIds.join();
  return { before, after, endsSessions: changed };
}

export { isAdminRole };
