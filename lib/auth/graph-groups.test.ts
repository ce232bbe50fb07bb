import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphGroupReader, hasGroupsOverage, resolveOverageGroups } from "./graph-groups";

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const A = "7a1e0c52-3b4d-4e6f-8a9b-00000000b001";
const B = "7a1e0c52-3b4d-4e6f-8a9b-00000000b002";

/** A tiny Graph stand-in at the network edge: answers by path, records the Authorization headers it saw. */
let server: http.Server;
let base = "";
const seen: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(String(req.headers.authorization));
    const url = new URL(req.url ?? "/", base);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith("/fail/")) return json(500, { error: { code: "x" } });
    if (url.searchParams.get("$skiptoken") === "2") return json(200, { value: [{ id: B }, { id: "not-a-guid" }] });
    if (url.searchParams.get("$skiptoken") === "away") return json(200, { value: [], "@odata.nextLink": "http://evil.example/steal" });
    if (url.searchParams.get("$skiptoken") === "loop") return json(200, { value: [{ id: A }], "@odata.nextLink": `${base}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$skiptoken=loop` });
    const mode = req.headers.authorization?.split(" ")[1];
    const nextLink = mode === "away" || mode === "loop" ? `${base}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$skiptoken=${mode}` : `${base}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$skiptoken=2`;
    return json(200, { value: [{ "@odata.type": "#microsoft.graph.group", id: A.toUpperCase() }], "@odata.nextLink": nextLink });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("graph groups", () => {
  it("follows nextLink and keeps GUIDs only, lower case", async () => {
    expect(await graphGroupReader(base).transitiveGroupIds("tok")).toEqual([A, B]);
    expect(seen.at(-1)).toBe("Bearer tok");
  });

  it("refuses a nextLink on another origin before sending the token there", async () => {
    await expect(graphGroupReader(base).transitiveGroupIds("away")).rejects.toThrow(/nextLink leaves/);
  });

  it("stops after 20 pages", async () => {
    await expect(graphGroupReader(base).transitiveGroupIds("loop")).rejects.toThrow(/more than 20 pages/);
  });

  it("resolveOverageGroups answers undefined (keep memberships) when Graph fails, no token was sent, or the token is someone else's", async () => {
    const tokenOf = (oid: string) => `${b64({ alg: "none" })}.${b64({ oid, aud: "https://graph.microsoft.com" })}.sig`;
    const before = seen.length;
    expect(await resolveOverageGroups(tokenOf("me"), "me", graphGroupReader(`${base}/fail`))).toBeUndefined();
    expect(await resolveOverageGroups(undefined, "me", graphGroupReader(base))).toBeUndefined();
    expect(seen.length).toBe(before + 1);
    // Someone else's token (or one that is not a JWT) never reaches Graph.
    expect(await resolveOverageGroups(tokenOf("someone-else"), "me", graphGroupReader(base))).toBeUndefined();
    expect(await resolveOverageGroups("not-a-jwt", "me", graphGroupReader(base))).toBeUndefined();
    expect(seen.length).toBe(before + 1);
    expect(await resolveOverageGroups(tokenOf("ME"), "me", graphGroupReader(base))).toEqual([A, B]);
  });

  it("recognises Entra's overage markers", () => {
    expect(hasGroupsOverage({ _claim_names: { groups: "src1" } })).toBe(true);
    expect(hasGroupsOverage({ hasgroups: true })).toBe(true);
    expect(hasGroupsOverage({ groups: [A] })).toBe(false);
  });
});
