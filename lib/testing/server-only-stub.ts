// Vitest alias target for `server-only` (see vitest.config.ts). Intentionally empty.
export {};
