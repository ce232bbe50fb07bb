// Vitest alias target for `server-only` (see vitest.config.mts). Intentionally empty.
export {};
