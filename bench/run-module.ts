/**
 * Runs one exported benchmark function in this process and prints its figures as a
 * `BENCH_RESULT {...}` line: `tsx --conditions react-server bench/run-module.ts <file> <export>`.
 * bench/main.ts starts it per module, so "server-only" domain code loads as it does in Next.
 */
import path from "node:path";

async function main() {
  const [file, name] = process.argv.slice(2);
  if (!file || !name) throw new Error("usage: bench-module.ts <file> <export>");
  const mod = (await import(path.resolve(file))) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== "function") throw new Error(`${file} exports no function ${name}`);
  const figures = (await (fn as () => Promise<unknown>)()) ?? {};
  console.log(`BENCH_RESULT ${JSON.stringify(figures)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
