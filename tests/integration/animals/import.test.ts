// Bulk import (animals.import.dryRun / commit): every bad input refused with its reason and nothing
// written, every row's errors reported, all-or-nothing commits, re-imports that update, parents in
// any order, the quota under concurrency, FormData through the tenant middleware and over HTTP.
import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, PASSWORD, type World } from "../../support/identity";
import { expectFailure, newOfficialId, setQuota, snapshot } from "./support";

let world: World;
type Api = Awaited<ReturnType<typeof callerFor>>["caller"];
let api: Api;
let bullNaab: string;

const HEADER = "Official ID,Herd tag,Name,Breed,Sex,Birth date,Status,Status date,Sire,Dam,Recipient dam,Notes";

function form(customerId: string, name: string, content: string | Uint8Array, mapping?: Record<string, string | null>) {
  const fd = new FormData();
  fd.set("customerId", customerId);
  fd.set("file", new File([content], name));
  if (mapping) fd.set("mapping", JSON.stringify(mapping));
  return fd;
}
const csv = (...lines: string[]) => [HEADER, ...lines].join("\n") + "\n";
const dry = (content: string | Uint8Array, name = "herd.csv", customerId = world.customerA) =>
  api.animals.import.dryRun(form(customerId, name, content));
const commit = (content: string | Uint8Array, name = "herd.csv", customerId = world.customerA) =>
  api.animals.import.commit(form(customerId, name, content));

/** A fresh farm for tests that count rows. */
async function newFarm(maxAnimals = 1000): Promise<string> {
  const id = randomUUID();
  await world.owner.query(`INSERT INTO customers (id, name, max_animals, updated_at) VALUES ($1, $2, $3, now())`, [
    id,
    `Import farm ${id.slice(0, 8)}`,
    maxAnimals,
  ]);
  return id;
}

let admin: Api;

beforeAll(async () => {
  world = await createWorld();
  api = (await callerFor(world, world.usersA.customer_user.email)).caller;
  admin = (await callerFor(world, world.usersA.admin.email)).caller;
  bullNaab = `7HO${String(Math.floor(Math.random() * 90000) + 10000)}`;
  await world.owner.query(
    `INSERT INTO bulls (id, naab_code, registration_number, name, breed, updated_at) VALUES ($1, $2, $3, 'TEST BULL', 'HO', now())`,
    [randomUUID(), bullNaab, `HOLUSAM${String(Date.now()).slice(-12).padStart(12, "0")}`],
  );
});
afterAll(() => world.close());

describe("bad files: a specific error and nothing written", () => {
  const cases: [string, string | Uint8Array, RegExp, string][] = [
    ["a 0-byte file", "", /the file is empty/i, "herd.csv"],
    [
      "a binary file named .csv",
      new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]),
      /not a text CSV file/i,
      "herd.csv",
    ],
    [
      "invalid UTF-8 named .csv",
      new Uint8Array([0x49, 0x44, 0x0a, 0xff, 0xfe, 0xc3, 0x28]),
      /not a text CSV file/i,
      "herd.csv",
    ],
    ["an .xlsx that is not a zip", "Official ID\nHO840003000000001\n", /not an XLSX file/i, "herd.xlsx"],
    ["an .xls", "whatever", /\.xls files are not supported/i, "herd.xls"],
    ["a header without rows", HEADER + "\n", /no data rows/i, "herd.csv"],
  ];
  for (const [what, content, message, name] of cases)
    it(what, async () => {
      const before = await snapshot(world, world.customerA);
      await expectFailure(dry(content, name), "BAD_REQUEST", message);
      await expectFailure(commit(content, name), "BAD_REQUEST", message);
      expect(await snapshot(world, world.customerA)).toBe(before);
    });

  it("a file over the limit: refused by size (in-process: while reading; over HTTP: before the body is read)", async () => {
    const small = await createWorld({ ANIMAL_IMPORT_MAX_MB: "1" });
    try {
      const caller = (await callerFor(small, small.usersA.customer_user.email)).caller;
      const big = new Uint8Array(1024 * 1024 + 10).fill(0x41);
      await expectFailure(
        caller.animals.import.commit(form(small.customerA, "big.csv", big)),
        "PAYLOAD_TOO_LARGE",
        /larger than the 1 MB limit/,
      );
      expect(await snapshot(small, small.customerA)).toMatch(/^0:/);
    } finally {
      await small.close();
    }
  });
});

describe("columns", () => {
  it("missing required columns are named; a misspelt one gets a suggestion; unknown ones are warnings", async () => {
    const content = "Animal ID,Brith date,Colour\nHO840003000000001,2020-01-01,black\n";
    const report = await dry(content);
    const reasons = report.errors.map((e) => e.reason).join("\n");
    expect(reasons).toMatch(/required column "Breed" is missing/);
    expect(reasons).toMatch(/required column "Sex" is missing/);
    expect(reasons).toMatch(/required column "Birth date" is missing; did you mean "Brith date"\?/);
    expect(report.warnings.map((w) => `${w.column}: ${w.reason}`)).toContain("Colour: unknown column, ignored");
    expect(report.mapping).toMatchObject({ "Animal ID": "officialId", "Brith date": null, Colour: null });
  });

  it("header synonyms map automatically; the caller's mapping overrides", async () => {
    const id = newOfficialId();
    const content = `Animal ID;Ear tag;DOB;Gender;Breed;Brith\n${id};17;2021-03-04;F;HO;x\n`;
    const report = await dry(content);
    expect(report.mapping).toMatchObject({
      "Animal ID": "officialId",
      "Ear tag": "herdTag",
      DOB: "birthDate",
      Gender: "sex",
    });
    expect(report.errors).toEqual([]);
    const overridden = await api.animals.import.dryRun(
      form(world.customerA, "herd.csv", content, { DOB: null, Brith: "birthDate" }),
    );
    expect(overridden.errors).toEqual([expect.objectContaining({ row: 2, column: "Brith", value: "x" })]);
  });
});

describe("rows: the dry run reports every error with row, column, value and reason", () => {
  it("all of them, not just the first, and writes nothing", async () => {
    const farm = await newFarm();
    const [a, b, c] = [newOfficialId(), newOfficialId(), newOfficialId()];
    const future = new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10);
    const content = csv(
      `HO84000300000000X,,,HO,F,2020-01-01,,,,,,`, // row 2: malformed ID
      `${a},,,HO,F,${future},,,,,,`, // row 3: future birth date
      `${b},,,HO,F,2020-01-01,,,HO840999999999999,,,`, // row 4: unknown sire (official ID)
      `${c},,,HO,M,2019-01-01,,,,,,`, // row 5: a bull…
      `${newOfficialId()},,,HO,F,2021-01-01,,,,${c},,`, // row 6: …used as a dam (wrong sex)
      `${newOfficialId()},,,HO,F,2018-01-01,,,${c},,,`, // row 7: sire born after the calf
      `${b},,,HO,F,2020-01-01,,,,,,`, // row 8: duplicate of row 4
      `${newOfficialId()},,,ZZ,F,2020-01-01,,,9ZZ1,,,`, // row 9: unknown breed, unknown NAAB
      `${newOfficialId()},,,HO,F,2020-01-01,sold,,,,,`, // row 10: sold without date
    );
    const report = await admin.animals.import.dryRun(form(farm, "herd.csv", content));
    const got = report.errors.map((e) => `${e.row}|${e.column}|${e.value}|${e.reason}`);
    const expectOne = (row: number, column: string, value: string, reason: RegExp) =>
      expect(
        got.some((g) => g.startsWith(`${row}|${column}|${value}|`) && reason.test(g.split("|")[3]!)),
        `${row} ${column} ${reason}\n${got.join("\n")}`,
      ).toBe(true);
    expectOne(2, "Official ID", "HO84000300000000X", /12 digits/);
    expectOne(3, "Birth date", future, /in the future/);
    expectOne(4, "Sire", "HO840999999999999", /unknown sire/);
    expectOne(6, "Dam", c, /must be female/);
    expectOne(7, "Sire", c, /born 2019-01-01, not before/);
    expectOne(8, "Official ID", b, /duplicate official ID: also on row 4/);
    expectOne(9, "Breed", "ZZ", /Unknown breed code/);
    expectOne(10, "Status date", "", /needs a status date/);
    expect(report.committed).toBe(false);
    const committed = await admin.animals.import.commit(form(farm, "herd.csv", content));
    expect(committed.committed).toBe(false);
    expect(committed.errors.length).toBe(report.errors.length);
    expect(await snapshot(world, farm)).toMatch(/^0:/);
  });

  it("an unknown NAAB code and a catalogue bull by NAAB code", async () => {
    const report = await dry(
      csv(`${newOfficialId()},,,HO,F,2020-01-01,,,${bullNaab},,,`, `${newOfficialId()},,,HO,F,2020-01-01,,,1HO1,,,`),
    );
    expect(report.errors).toEqual([
      expect.objectContaining({ row: 3, column: "Sire", reason: expect.stringMatching(/no bull with NAAB code 1HO1/) }),
    ]);
  });
});

describe("commit", () => {
  it("is all or nothing: one bad row among good ones writes nothing", async () => {
    const farm = await newFarm();
    const report = await admin.animals.import.commit(
      form(farm, "herd.csv", csv(`${newOfficialId()},,,HO,F,2020-01-01,,,,,,`, `BAD,,,HO,F,2020-01-01,,,,,,`)),
    );
    expect(report.committed).toBe(false);
    expect(await snapshot(world, farm)).toMatch(/^0:/);
  });

  it("parents later in the file (reverse order), ET recipient, catalogue sire; re-import updates instead of duplicating", async () => {
    const farm = await newFarm();
    const [calf, dam, granddam, recipient] = [newOfficialId(), newOfficialId(), newOfficialId(), newOfficialId()];
    const rows = [
      `${calf},3,Calf,HO,F,2024-05-01,,,${bullNaab},${dam},${recipient},ET calf`,
      `${dam},2,Dam,HO,F,2021-02-01,,,,${granddam},,`,
      `${recipient},9,Recip,JE,F,2020-06-01,,,,,,`,
      `${granddam},1,Granddam,HO,F,2018-01-01,culled,2023-01-01,,,,`,
    ];
    const first = await admin.animals.import.commit(form(farm, "herd.csv", csv(...rows)));
    expect(first.errors).toEqual([]);
    expect(first).toMatchObject({ committed: true, counts: { rows: 4, created: 4, updated: 0, unchanged: 0 } });
    const { rows: stored } = await world.owner.query(
      `SELECT c.official_id, d.official_id AS dam, r.official_id AS recipient, b.naab_code AS sire
         FROM animals c LEFT JOIN animals d ON d.id = c.dam_id LEFT JOIN animals r ON r.id = c.recipient_dam_id
         LEFT JOIN bulls b ON b.id = c.sire_bull_id WHERE c.official_id = $1 AND c.customer_id = $2`,
      [calf, farm],
    );
    expect(stored[0]).toMatchObject({ dam, recipient, sire: bullNaab });

    rows[1] = `${dam},2,Renamed dam,HO,F,2021-02-01,,,,${granddam},,`;
    const again = await admin.animals.import.commit(form(farm, "herd.csv", csv(...rows)));
    expect(again).toMatchObject({ committed: true, counts: { created: 0, updated: 1, unchanged: 3 } });
    const { rows: count } = await world.owner.query(`SELECT count(*)::int AS n FROM animals WHERE customer_id = $1`, [
      farm,
    ]);
    expect(count[0].n).toBe(4);
    const audit = await world.owner.query(
      `SELECT detail, after FROM audit_log WHERE action = 'animals.import.commit' AND customer_id = $1 ORDER BY created_at`,
      [farm],
    );
    expect(audit.rows.map((r) => r.after)).toMatchObject([{ created: 4 }, { updated: 1, unchanged: 3 }]);
  });

  it("an update may not contradict stored offspring (sex, birth date)", async () => {
    const farm = await newFarm();
    const [cow, calf] = [newOfficialId(), newOfficialId()];
    await admin.animals.import.commit(
      form(farm, "a.csv", csv(`${cow},,,HO,F,2019-01-01,,,,,,`, `${calf},,,HO,F,2022-01-01,,,,${cow},,`)),
    );
    const before = await snapshot(world, farm);
    const report = await admin.animals.import.commit(form(farm, "b.csv", csv(`${cow},,,HO,M,2023-01-01,,,,,,`)));
    expect(report.committed).toBe(false);
    expect(report.errors.map((e) => e.column)).toEqual(expect.arrayContaining(["Sex", "Birth date"]));
    expect(await snapshot(world, farm)).toBe(before);
  });

  it("the quota holds under concurrency: one below the limit, parallel imports and creates → exactly one wins", async () => {
    const farm = await newFarm(1000);
    await admin.animals.import.commit(form(farm, "a.csv", csv(`${newOfficialId()},,,HO,F,2019-01-01,,,,,,`)));
    await setQuota(world, farm, 2);
    const attempts = [
      ...Array.from({ length: 4 }, () =>
        admin.animals.import
          .commit(form(farm, "x.csv", csv(`${newOfficialId()},,,HO,F,2020-01-01,,,,,,`)))
          .then((r) => r.committed),
      ),
      ...Array.from({ length: 4 }, () =>
        admin.animals
          .create({
            customerId: farm,
            officialId: newOfficialId(),
            breed: "HO",
            sex: "female",
            birthDate: "2020-01-01",
          })
          .then(() => true),
      ),
    ].map((p) => p.catch(() => false));
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(1);
    const { rows } = await world.owner.query(
      `SELECT count(*)::int AS n FROM animals WHERE customer_id = $1 AND status = 'active'`,
      [farm],
    );
    expect(rows[0].n).toBe(2);
  });

  it("over the quota: refused with the numbers", async () => {
    const farm = await newFarm(1);
    const report = await admin.animals.import.commit(
      form(
        farm,
        "a.csv",
        csv(`${newOfficialId()},,,HO,F,2019-01-01,,,,,,`, `${newOfficialId()},,,HO,F,2019-01-01,,,,,,`),
      ),
    );
    expect(report.committed).toBe(false);
    expect(report.errors[0]?.reason).toMatch(
      /over the animal quota: the herd has 0 active animals, this import adds 2, the limit is 1/,
    );
  });
});

describe("tenancy: customerId from the FormData", () => {
  it("another customer's id answers NOT_FOUND and writes nothing", async () => {
    const before = await snapshot(world, world.customerB);
    await expectFailure(
      commit(csv(`${newOfficialId()},,,HO,F,2019-01-01,,,,,,`), "a.csv", world.customerB),
      "NOT_FOUND",
      /Customer not found/,
    );
    expect(await snapshot(world, world.customerB)).toBe(before);
  });
  it("a FormData without a UUID customerId is refused before the procedure", async () => {
    const fd = new FormData();
    fd.set("customerId", "nope");
    fd.set("file", new File(["x"], "a.csv"));
    await expectFailure(api.animals.import.dryRun(fd), "BAD_REQUEST", /customerId must be a UUID/);
  });
  it("a read-only role may not import", async () => {
    const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
    await expectFailure(
      researcher.animals.import.dryRun(form(world.customerA, "a.csv", csv())),
      "FORBIDDEN",
      /permission|only read/,
    );
  });
});

describe("over HTTP (multipart) and the export round trip", () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  let url: string;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestApp({ ANIMAL_IMPORT_MAX_MB: "2" });
    url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    const signIn = await fetch(`${url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify({ json: { email: world.usersA.customer_user.email, password: PASSWORD } }),
    });
    cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  });
  afterAll(() => server.close());

  const post = (path: string, body: FormData) =>
    fetch(`${url}/trpc/${path}`, { method: "POST", headers: { cookie, origin: url }, body });

  it("a multipart dry run answers the report", async () => {
    const res = await post(
      "animals.import.dryRun",
      form(world.customerA, "a.csv", csv(`${newOfficialId()},,,HO,F,2019-01-01,,,,,,`)),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { json: { counts: { created: number } } } } };
    expect(body.result.data.json.counts.created).toBe(1);
  });

  it("a 200 MB upload is refused from its Content-Length, before the body is read", async () => {
    const before = await snapshot(world, world.customerA);
    const started = Date.now();
    // A stream that would take long to produce in full: the server must answer without reading it.
    const { request } = await import("node:http");
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/trpc/animals.import.commit`, {
        method: "POST",
        headers: {
          cookie,
          origin: url,
          "content-type": "multipart/form-data; boundary=x",
          "content-length": 200 * 1024 * 1024,
        },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.write("--x\r\n");
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/larger than the 2 MB limit/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await snapshot(world, world.customerA)).toBe(before);
  });

  for (const format of ["csv", "xlsx"] as const)
    it(`export (${format}, filtered) → import gives the same animals, all unchanged`, async () => {
      // A farm of the signed-in user's customer: A. Seed a small pedigree there through the importer.
      const [dam, calf, other] = [newOfficialId(), newOfficialId(), newOfficialId("JE")];
      const seeded = await api.animals.import.commit(
        form(
          world.customerA,
          "seed.csv",
          csv(
            `${calf},7,"Calf, with comma",HO,F,2023-04-01,sold,2024-01-01,${bullNaab},${dam},,"note ""quoted"""`,
            `${dam},5,Dam,HO,F,2020-01-01,,,,,,`,
            `${other},,,JE,M,2022-01-01,,,,,,`,
          ),
        ),
      );
      expect(seeded.errors).toEqual([]);
      const res = await fetch(`${url}/api/v1/animals/export?format=${format}&customerId=${world.customerA}&breed=HO`, {
        headers: { cookie },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toMatch(new RegExp(`\\.${format}"$`));
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (format === "xlsx") {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(bytes as unknown as ArrayBuffer);
        expect(wb.worksheets[0]!.getRow(1).getCell(1).value).toBe("Official ID");
      } else expect(new TextDecoder().decode(bytes)).toContain(`"Calf, with comma"`);
      const report = await api.animals.import.commit(form(world.customerA, `export.${format}`, bytes));
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report.counts.created).toBe(0);
      expect(report.counts.updated).toBe(0);
      expect(report.counts.unchanged).toBe(report.counts.rows);
      const { rows } = await world.owner.query(
        `SELECT count(*)::int AS n FROM animals WHERE customer_id = $1 AND breed = 'HO'`,
        [world.customerA],
      );
      expect(report.counts.rows).toBe(rows[0].n);
    });

  it("export refuses the anonymous and customers out of reach", async () => {
    expect((await fetch(`${url}/api/v1/animals/export?customerId=${world.customerA}`)).status).toBe(401);
    const res = await fetch(`${url}/api/v1/animals/export?customerId=${world.customerB}`, { headers: { cookie } });
    expect(res.status).toBe(404);
  });
});
