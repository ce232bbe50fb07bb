import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, useTestDatabase } from "@/testing/test-database";
import { createDb } from "./client";

const dir = mkdtempSync(path.join(tmpdir(), "feedgate-sqlite-mode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (file: string) => statSync(file).mode & 0o777;

describe("the embedded SQLite file", () => {
  it("is created 0600 in a 0700 folder, and so are its WAL files, by migrate and by the app", async () => {
    const file = path.join(dir, "nested", "feedgate.db");
    migrate(`file:${file}`);
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    const db = createDb(`file:${file}`);
    try {
      await db.team.create({ data: { slug: "mode-test", name: "Mode test" } });
      for (const extra of ["-wal", "-shm"]) if (existsSync(`${file}${extra}`)) expect(mode(`${file}${extra}`), extra).toBe(0o600);
    } finally {
      await db.$disconnect();
    }
  });

  it("is tightened to 0600 when an older release left it world-readable", async () => {
    const file = path.join(dir, "old.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    const db = createDb(`file:${file}`);
    await db.$disconnect();
    expect(mode(file)).toBe(0o600);
  });
});

describe("the SQLite adapter's one connection", () => {
  const t = useTestDatabase("sqlite");

  it("keeps a plain write made while another caller's transaction is open, when that transaction rolls back", async () => {
    let plainWrite: Promise<unknown> | undefined;
    const failed = t.db
      .$transaction(async (tx) => {
        await tx.team.create({ data: { slug: "rolled-back", name: "Rolled back" } });
        // Another caller writes while this transaction is open, as a worker's heartbeat or the
        // portal's request handling does on the shared client.
        // (.then() sends it: a PrismaPromise does nothing until someone waits on it.)
        plainWrite = t.db.team.create({ data: { slug: "bystander", name: "Bystander" } }).then((team) => team);
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("the transaction fails");
      })
      .catch((error: unknown) => error);
    expect(await failed).toBeInstanceOf(Error);
    await plainWrite;
    const slugs = (await t.db.team.findMany({ where: { slug: { in: ["rolled-back", "bystander"] } } })).map((team) => team.slug);
    expect(slugs).toEqual(["bystander"]);
  });

  it("runs plain reads and writes issued during a transaction after it ends, so the transaction sees none of them", async () => {
    const order: string[] = [];
    let plain: Promise<unknown> | undefined;
    await t.db.$transaction(async (tx) => {
      await tx.team.create({ data: { slug: "tx-first", name: "First" } });
      plain = Promise.all([
        t.db.team.create({ data: { slug: "plain-second", name: "Second" } }).then(() => order.push("plain write")),
        t.db.team.count({ where: { slug: "tx-first" } }).then((n) => order.push(`plain read saw ${n}`)),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push(`tx saw ${await tx.team.count({ where: { slug: "plain-second" } })}`);
    });
    await plain;
    expect(order[0]).toBe("tx saw 0");
    expect(order.slice(1).sort()).toEqual(["plain read saw 1", "plain write"]);
  });
});
