import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { recordConfigChange } from "./record-config-change";

for (const provider of testProviders()) {
  describe(`start-up configuration audit (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("records the first configuration, nothing while unchanged, and before/after on a change, never a secret", async () => {
      const env = parseEnv({ SESSION_SECRET: "a-very-secret-value-that-must-not-be-stored" });
      expect(await recordConfigChange(t.db, env, "c1")).toBe(true);
      expect(await recordConfigChange(t.db, env, "c2")).toBe(false);
      const changed = parseEnv({ SESSION_SECRET: "a-very-secret-value-that-must-not-be-stored", ROLE_GROUP_MAP: '{"g-1":"Feedgate.Admin"}' });
      expect(await recordConfigChange(t.db, changed, "c3")).toBe(true);
      const events = await t.db.auditEvent.findMany({ where: { action: "config.changed" }, orderBy: { id: "asc" } });
      expect(events).toHaveLength(2);
      expect(events[1]).toMatchObject({ actorOid: "system:start", before: { ROLE_GROUP_MAP: {} }, after: { ROLE_GROUP_MAP: { "g-1": "Feedgate.Admin" } } });
      expect(JSON.stringify(events)).not.toContain("a-very-secret-value");
    });
  });
}
