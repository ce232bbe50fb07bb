import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, unwatchFile, watchFile } from "node:fs";
import { z } from "zod";

export const faultRuleSchema = z.object({
  id: z.string().optional(),
  /** Service the rule applies to: arm, aml, amlDataPlane, nexus, artifacts. Omitted = all. */
  service: z.string().optional(),
  method: z.string().optional(),
  /** Case-insensitive regular expression tested against the request path (without query). */
  path: z.string().optional(),
  kind: z.enum(["latency", "status", "drop", "deployment-failure", "build-failure", "build-hang"]),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  body: z.unknown().optional(),
  /** How many times the rule fires; omitted = until removed. */
  times: z.number().int().min(1).optional(),
  /** deployment-failure: resource name (or type/name) that fails; `*` matches any characters. */
  resourceName: z.string().optional(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
  /** build-failure / build-hang: environment name (omitted = every build). */
  environment: z.string().optional(),
});

export type FaultRuleInput = z.infer<typeof faultRuleSchema>;
export type FaultRule = FaultRuleInput & { id: string; source: "api" | "file"; fired: number };

export type HttpFaults = { latencyMs: number; terminal?: FaultRule };

/** Run-time fault rules, set through /_sandbox/faults or a JSON file (array of rules). */
export class FaultStore {
  private rules: FaultRule[] = [];
  private watchedFile?: string;

  add(input: FaultRuleInput, source: "api" | "file" = "api"): FaultRule {
    const rule: FaultRule = { ...input, id: input.id ?? randomUUID(), source, fired: 0 };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Loads rules from a JSON file and reloads them whenever it changes. */
  watchFile(file: string): void {
    this.watchedFile = file;
    this.reloadFile(file);
    watchFile(file, { interval: 500, persistent: false }, () => this.reloadFile(file));
  }

  stop(): void {
    if (this.watchedFile) unwatchFile(this.watchedFile);
  }

  httpFaults(service: string, method: string, path: string): HttpFaults {
    let latencyMs = 0;
    let terminal: FaultRule | undefined;
    for (const rule of this.rules) {
      if (rule.kind !== "latency" && rule.kind !== "status" && rule.kind !== "drop") continue;
      if (!matchesRequest(rule, service, method, path)) continue;
      if (rule.kind === "latency") {
        latencyMs += rule.latencyMs ?? 0;
        this.consume(rule);
      } else if (!terminal) {
        terminal = rule;
        this.consume(rule);
      }
    }
    return { latencyMs, terminal };
  }

  deploymentFailure(resourceName: string, resourceType: string): FaultRule | undefined {
    const rule = this.rules.find((r) => {
      if (r.kind !== "deployment-failure" || r.resourceName === undefined) return false;
      // `*` is a wildcard: generated names often carry a uniqueString suffix.
      const pattern = new RegExp(`^${r.resourceName.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
      return pattern.test(resourceName) || pattern.test(`${resourceType}/${resourceName}`);
    });
    if (rule) this.consume(rule);
    return rule;
  }

  buildFault(environment: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) =>
        (r.kind === "build-failure" || r.kind === "build-hang") &&
        (!r.environment || r.environment.toLowerCase() === environment.toLowerCase()),
    );
    if (rule) this.consume(rule);
    return rule;
  }

  private consume(rule: FaultRule): void {
    rule.fired += 1;
    if (rule.times !== undefined && rule.fired >= rule.times) this.remove(rule.id);
  }

  private reloadFile(file: string): void {
    this.rules = this.rules.filter((r) => r.source !== "file");
    if (!existsSync(file)) return;
    try {
      const parsed = z.array(faultRuleSchema).parse(JSON.parse(readFileSync(file, "utf8")));
      for (const rule of parsed) this.add(rule, "file");
    } catch (error) {
      process.stderr.write(`sandbox: ignoring invalid fault file ${file}: ${String(error)}\n`);
    }
  }
}

function matchesRequest(rule: FaultRule, service: string, method: string, path: string): boolean {
  if (rule.service && rule.service.toLowerCase() !== service.toLowerCase()) return false;
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path && !new RegExp(rule.path, "i").test(path)) return false;
  return true;
}
