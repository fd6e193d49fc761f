// One demo user per role, so a first run can be explored from every seat. The passwords derive from
// the seed (so tests and the start-up log agree) and are printed outside production only.
import { Faker, en } from "@faker-js/faker";
import { ROLES, type Role } from "@reprotech/core";
import type { Seeder } from "./types";

export interface DemoCredential {
  role: Role;
  email: string;
  password: string;
  displayName: string;
}

export function demoCredentials(seed: number): DemoCredential[] {
  const faker = new Faker({ locale: [en] });
  faker.seed([seed, 7]);
  return ROLES.map((role) => ({
    role,
    email: `${role.replace("_", ".")}@demo.reprotech.test`,
    password: `${faker.word.adjective({ length: { min: 4, max: 8 } })}-${faker.word.noun({ length: { min: 4, max: 8 } })}-${faker.number.int({ min: 1000, max: 9999 })}`,
    displayName: `${faker.person.firstName()} ${faker.person.lastName()} (${role.replace("_", " ")})`,
  }));
}

export const demoUsersSeeder: Seeder = {
  name: "demo-users",
  async run({ db, seed, hashPassword, log, printCredentials }) {
    const farms = await db.customer.findMany({ orderBy: { name: "asc" }, take: 3, select: { id: true, name: true } });
    if (farms.length === 0) return log("demo-users: no customers to attach customer users to; skipped");
    let created = 0;
    for (const c of demoCredentials(seed)) {
      if (await db.user.findUnique({ where: { email: c.email }, select: { id: true } })) continue;
      const customerRole = c.role === "customer_admin" || c.role === "customer_user";
      const user = await db.user.create({
        data: {
          email: c.email,
          displayName: c.displayName,
          role: c.role,
          customerId: customerRole ? farms[0]!.id : null,
          passwordHash: await hashPassword(c.password),
          passwordChangedAt: new Date(),
        },
      });
      if (c.role === "veterinarian" || c.role === "technician") {
        await db.customerAssignment.createMany({ data: farms.map((f) => ({ userId: user.id, customerId: f.id })) });
      }
      created++;
    }
    log(`demo-users: ${created} created (customer users belong to "${farms[0]!.name}")`);
    if (printCredentials) {
      log("demo sign-ins (development only):");
      for (const c of demoCredentials(seed)) log(`  ${c.role.padEnd(15)} ${c.email.padEnd(40)} ${c.password}`);
    }
  },
};
