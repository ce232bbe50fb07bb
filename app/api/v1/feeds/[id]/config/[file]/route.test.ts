import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readyFeed } from "@/testing/approval-fixtures";
import { appRequest, sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

for (const provider of testProviders()) {
  describe(`feed configuration downloads (${provider})`, () => {
    const h = useAuthHarness(provider);
    let visionFeedId = "";
    const pipIndexUrl = "https://nexus.vision.example:8443/repository/vision-pypi-org-pypi/simple/";
    const condaChannelUrl = "https://nexus.vision.example:8443/repository/vision-conda-forge-conda/";

    beforeAll(async () => {
      const pypi = await h.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      visionFeedId = (await readyFeed(h.db, { teamSlug: "vision", upstreamId: pypi.id, repository: "vision-pypi-org-pypi", pipIndexUrl, condaChannelUrl })).id;
    });

    async function download(who: string | undefined, file: string, feedId = visionFeedId) {
      const { GET } = await import("./route");
      const cookie = who ? await sessionCookieFor(h, who) : undefined;
      return GET(appRequest(`/api/v1/feeds/${feedId}/config/${file}`, { cookie }), { params: Promise.resolve({ id: feedId, file }) });
    }

    it("the team downloads pip.conf as an attachment that real pip reads", async () => {
      const res = await download("Alice Chen", "pip.conf");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="vision-[a-z0-9]+-pip\.conf"$/);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const dir = mkdtempSync(path.join(tmpdir(), "feedgate-pip-"));
      try {
        const file = path.join(dir, "pip.conf");
        writeFileSync(file, await res.text());
        const out = execFileSync("python3", ["-m", "pip", "config", "list"], { env: { ...process.env, PIP_CONFIG_FILE: file, HOME: dir }, encoding: "utf8" });
        expect(out).toContain(`global.index-url='${pipIndexUrl}'`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("condarc is YAML with the feed's channels; setup.sh and the Dockerfile name the index", async () => {
      const condarc = await download("Alice Chen", "condarc");
      expect(condarc.headers.get("content-type")).toBe("application/x-yaml; charset=utf-8");
      expect(parseYaml(await condarc.text())).toMatchObject({ channels: [condaChannelUrl], default_channels: [condaChannelUrl] });
      const setup = await download("Alice Chen", "setup.sh");
      expect(setup.headers.get("content-disposition")).toContain("-feedgate-setup.sh");
      const script = await setup.text();
      expect(script.startsWith("#!/usr/bin/env bash")).toBe(true);
      expect(script).toContain(pipIndexUrl);
      const docker = await download("Alice Chen", "Dockerfile");
      expect(await docker.text()).toContain(`pip config set global.index-url ${pipIndexUrl}`);
    });

    it("another team gets 404 for every file, exactly as for a feed that does not exist", async () => {
      for (const file of ["pip.conf", "condarc", "setup.sh", "Dockerfile"]) {
        const res = await download("Bilal Okafor", file);
        expect(res.status).toBe(404);
        expect(await res.text()).not.toContain("nexus.vision.example");
      }
      expect((await download("Bilal Okafor", "pip.conf", "doesnotexist0000")).status).toBe(404);
    });

    it("refuses the anonymous (401), Approvers without a team role (403) and unknown file names (404); Admins may download", async () => {
      expect((await download(undefined, "pip.conf")).status).toBe(401);
      expect((await download("Carmen Diaz", "pip.conf")).status).toBe(403);
      expect((await download("Alice Chen", "..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
      expect((await download("Dmitri Ivanov", "pip.conf")).status).toBe(200);
    });
  });
}
