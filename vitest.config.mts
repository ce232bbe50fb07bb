import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const alias = {
  "@": root,
  // `server-only` throws outside React Server Components; domain modules are plain Node here.
  "server-only": path.join(root, "testing/server-only-stub.ts"),
};
const sandboxSetup = "sandbox/test/global-setup.ts";

export default defineConfig({
  resolve: { alias },
  test: {
    pool: "forks",
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "prisma/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "sandbox",
          environment: "node",
          include: ["sandbox/**/*.test.ts"],
          globalSetup: existsSync(path.join(root, sandboxSetup)) ? [sandboxSetup] : [],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Feedgate's own code against the sandbox cloud: needs the sandbox CA trusted at fork.
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          include: ["lib/**/*.int.test.ts", "app/**/*.int.test.ts"],
          globalSetup: existsSync(path.join(root, sandboxSetup)) ? [sandboxSetup] : [],
          testTimeout: 480_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
