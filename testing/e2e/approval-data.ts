/**
 * The specs' side of the data factories: each call runs approval-factories.ts under tsx against
 * the e2e database and returns what it created.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

// Playwright runs from the repository root (playwright.config.ts lives there).
const tsxCli = path.resolve("node_modules/tsx/dist/cli.mjs");
const factories = path.resolve("testing/e2e/approval-factories.ts");

function run<T>(name: string, args: unknown): T {
  const out = execFileSync(process.execPath, [tsxCli, factories, name, JSON.stringify(args)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out) as T;
}

export interface UpstreamRow {
  id: string;
  name: string;
  url: string;
  justification: string | null;
}

export function createProposedUpstream(args: { proposedBy: string; justification: string; name?: string }): UpstreamRow {
  return run("createProposedUpstream", args);
}

export function createSubmittedRequest(args: { submittedBy: string; proposed?: { name: string; url: string; justification: string | null } }): { id: string; title: string } {
  return run("createSubmittedRequest", args);
}

export function createReadyFeed(teamSlug: string): { id: string; name: string; pipIndexUrl: string } {
  return run("createReadyFeed", { teamSlug });
}

export function createApprovedUpstreamWithFeed(teamSlug: string): { upstream: UpstreamRow; feed: { id: string; name: string } } {
  return run("createApprovedUpstreamWithFeed", { teamSlug });
}

export function setTwoPersonRuleDirectly(enabled: boolean): void {
  run("setTwoPersonRuleDirectly", { enabled });
}
