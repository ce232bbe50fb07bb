/**
 * npm run lint:deps — the layering rules a reader should be able to trust, checked on every
 * `npm test` with madge (which, unlike ESLint's import/no-cycle, also follows `import type`):
 *  1. no import cycle between files anywhere in the product, its tests, sandbox or benchmarks;
 *  2. no cycle between the areas of lib/ (lib/requests → lib/workflows → lib/requests is refused
 *     even when no single file closes the loop), so each area can be read bottom-up;
 *  3. lib/ imports nothing from app/, components/, sandbox/, testing/ or bench/ outside its tests.
 * Prints every violation and exits 1 if there is one.
 */
import path from "node:path";
import madge from "madge";

const root = path.resolve(import.meta.dirname, "..");
const FOLDERS = ["lib", "app", "components", "testing", "bench", "scripts", "sandbox", "prisma", "e2e"];
const isTest = (file: string) => /\.(int\.)?test\.tsx?$/.test(file);

async function main() {
  const graph = await madge(FOLDERS.map((f) => path.join(root, f)), {
    baseDir: root,
    fileExtensions: ["ts", "tsx", "mts"],
    tsConfig: path.join(root, "tsconfig.json"),
    excludeRegExp: [/^generated\//, /node_modules/],
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  const problems: string[] = [];
  for (const cycle of graph.circular()) problems.push(`file cycle: ${cycle.join(" → ")} → ${cycle[0]}`);

  const imports = graph.obj();
  // Files at the root of lib/ (env, errors, logger) are the foundation every area stands on.
  const areaOf = (file: string) => (/^lib\/[^/]+\//.test(file) ? file.split("/").slice(0, 2).join("/") : undefined);
  const areaEdges = new Map<string, Map<string, string>>();
  for (const [from, targets] of Object.entries(imports)) {
    if (!from.startsWith("lib/")) continue;
    for (const to of targets) {
      if (!isTest(from) && /^(app|components|sandbox|testing|bench)\//.test(to)) problems.push(`upward import: ${from} imports ${to}`);
      const a = areaOf(from);
      const b = areaOf(to);
      if (!a || !b || a === b || isTest(from)) continue;
      if (!areaEdges.has(a)) areaEdges.set(a, new Map());
      areaEdges.get(a)?.set(b, `${from} → ${to}`);
    }
  }
  for (const cycle of findCycles(areaEdges)) {
    const via = cycle.map((area, i) => areaEdges.get(area)?.get(cycle[(i + 1) % cycle.length] ?? "") ?? "?");
    problems.push(`area cycle: ${cycle.join(" → ")} → ${cycle[0]}\n    ${via.join("\n    ")}`);
  }

  const files = Object.keys(imports).length;
  if (problems.length) {
    console.error(`lint:deps: ${problems.length} problem(s) in ${files} files:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    process.exit(1);
  }
  console.log(`lint:deps: ${files} files, ${areaEdges.size} lib areas: no cycles, no upward imports.`);
}

/** Elementary cycles of a small directed graph, each reported once (rotated to its smallest node). */
function findCycles(edges: Map<string, Map<string, string>>): string[][] {
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const walk = (start: string, node: string, trail: string[]) => {
    for (const next of edges.get(node)?.keys() ?? []) {
      if (next === start) {
        const key = [...trail].sort().join("|");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...trail]);
        }
      } else if (!trail.includes(next) && next > start) {
        walk(start, next, [...trail, next]);
      }
    }
  };
  for (const start of [...edges.keys()].sort()) walk(start, start, [start]);
  return cycles;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
