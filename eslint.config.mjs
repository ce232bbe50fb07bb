import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * Imports that would run a dependency back up the layers: app/ → lib/ → cloud SDKs, never back.
 * Import cycles are refused by `npm run lint:deps` (madge), which also follows `import type`.
 */
const upwardImports = (layer, groups) => ({
  "no-restricted-imports": ["error", { patterns: [{ group: groups, message: `${layer} must not depend on this folder: move the shared code down into lib/.` }] }],
});

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: ["node_modules/**", ".next/**", ".next-*/**", "generated/**", "data/**", "test-results/**", "playwright-report/**", "e2e/artifacts/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // lib/ is the domain: it never reaches into the routes (app/) or the sandbox cloud (sandbox/);
    // its tests reach the sandbox through testing/sandbox.ts.
    files: ["lib/**/*.{ts,tsx}"],
    rules: upwardImports("lib/", ["@/app/**", "@/sandbox/**", "**/../app/**", "**/../sandbox/**"]),
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: upwardImports("components/", ["@/app/**", "@/sandbox/**", "**/../app/**"]),
  },
  {
    // Functions small enough to read in one screen or two; tests' describe blocks are exempt.
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    rules: { "max-lines-per-function": ["error", { max: 120, skipBlankLines: true, skipComments: true }] },
  },
];

export default config;
