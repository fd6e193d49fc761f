// CopyOut (gbv/copy-out.ts) against a real PostgreSQL: the data of a COPY … TO STDOUT arrives whole
// and in order, a COPY that fails before or halfway throws PostgreSQL's error, a slow reader holds the
// server back instead of buffering everything, and after each the connection answers its next query.
import { gbv } from "@reprotech/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminUrl } from "../../support/env";

let client: pg.Client;
let observer: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: adminUrl, application_name: "copy-out-test" });
  observer = new pg.Client({ connectionString: adminUrl });
  await Promise.all([client.connect(), observer.connect()]);
});

afterAll(async () => {
  await Promise.all([client?.end(), observer?.end()]);
});

async function readAll(copy: gbv.CopyOut): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copy)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function expectUsable() {
  const { rows } = await client.query<{ n: number }>(`SELECT 41 + 1 AS n`);
  expect(rows).toEqual([{ n: 42 }]);
}

describe("CopyOut", () => {
  it("reads a COPY's data whole and in order, rows of any size", async () => {
    const text = await readAll(
      new gbv.CopyOut(
        `COPY (SELECT x, repeat(chr(65 + x % 26), (x * 7919) % 40000) FROM generate_series(1, 600) x) TO STDOUT`,
      ),
    );
    const expected = Array.from(
      { length: 600 },
      (_, i) => `${i + 1}\t${String.fromCharCode(65 + ((i + 1) % 26)).repeat(((i + 1) * 7919) % 40000)}\n`,
    ).join("");
    expect(text.toString()).toBe(expected);
    await expectUsable();
  });

  it("an empty result is no data", async () => {
    expect((await readAll(new gbv.CopyOut(`COPY (SELECT 1 WHERE false) TO STDOUT`))).length).toBe(0);
    await expectUsable();
  });

  it("a COPY the server refuses throws its error", async () => {
    await expect(readAll(new gbv.CopyOut(`COPY (SELECT nope FROM nowhere) TO STDOUT`))).rejects.toThrow(
      /relation "nowhere" does not exist/,
    );
    await expectUsable();
  });

  it("a COPY that fails halfway gives the rows before the error, then throws it", async () => {
    const chunks: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of client.query(
          new gbv.CopyOut(
            `COPY (SELECT x, repeat('x', 5000), 1 / (3000 - x) FROM generate_series(1, 4000) x) TO STDOUT`,
          ),
        ))
          chunks.push(chunk);
      })(),
    ).rejects.toThrow(/division by zero/);
    const lines = Buffer.concat(chunks).toString().split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(3000);
    lines.forEach((line, i) => expect(line.startsWith(`${i + 1}\t`)).toBe(true));
    await expectUsable();
  });

  it("a reader that pauses holds the server back (it waits to write), then reads the rest", async () => {
    // 200 MB: far more than the socket's and this reader's buffers hold.
    const copy = new gbv.CopyOut(`COPY (SELECT repeat('y', 100000) FROM generate_series(1, 2000)) TO STDOUT`);
    let bytes = 0;
    let waited: string | null = null;
    for await (const chunk of client.query(copy)) {
      if (bytes === 0) {
        await new Promise((r) => setTimeout(r, 500));
        const { rows } = await observer.query<{ wait_event: string | null }>(
          `SELECT wait_event FROM pg_stat_activity WHERE application_name = 'copy-out-test'`,
        );
        waited = rows[0]?.wait_event ?? null;
      }
      bytes += chunk.length;
    }
    expect(waited).toBe("ClientWrite");
    expect(bytes).toBe(2000 * 100_001);
    await expectUsable();
  }, 60_000);

  it("many small rows read by a reader that pauses now and then arrive whole and in order", async () => {
    let text = "";
    let chunks = 0;
    for await (const chunk of client.query(
      new gbv.CopyOut(`COPY (SELECT x FROM generate_series(1, 300000) x) TO STDOUT`),
    )) {
      text += chunk.toString();
      if (++chunks % 2000 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const lines = text.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.length).toBe(300_000);
    expect(lines.every((line, i) => line === String(i + 1))).toBe(true);
    await expectUsable();
  }, 60_000);

  it("a reader that stops early has the rest dropped; the connection takes the next query", async () => {
    for await (const chunk of client.query(
      new gbv.CopyOut(`COPY (SELECT repeat('z', 10000) FROM generate_series(1, 2000)) TO STDOUT`),
    )) {
      expect(chunk[0]).toBe("z".charCodeAt(0));
      break;
    }
    await expectUsable();
  });

  it("refuses anything but a COPY … TO STDOUT", () => {
    expect(() => new gbv.CopyOut(`SELECT 1`)).toThrow(/COPY … TO STDOUT only/);
    expect(() => new gbv.CopyOut(`COPY t FROM STDIN`)).toThrow(/COPY … TO STDOUT only/);
  });
});
