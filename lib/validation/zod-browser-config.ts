/**
 * zod 4 compiles object validators with `new Function` unless told not to, and under the portal's
 * CSP (no 'unsafe-eval') even its probe for eval is reported in the console as a violation.
 * `z.config({ jitless: true })` switches that off, but it must run before the first schema is
 * built, and importing zod for it would add ~5 KB to every page. zod keeps its configuration on
 * `globalThis.__zod_globalConfig` (shared by every copy of zod, created if missing), so this sets
 * the flag there: before zod loads it is picked up, after it loads it is the same object.
 * Browser only: the server keeps the compiled validators. Called from instrumentation-client.ts.
 */
export function configureZodForBrowser(target: { __zod_globalConfig?: { jitless?: boolean } } = globalThis as never): void {
  target.__zod_globalConfig ??= {};
  target.__zod_globalConfig.jitless = true;
}
