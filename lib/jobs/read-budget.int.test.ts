/**
 * The shared read budget under the real ARM client, against the sandbox: every read spends a
 * token, a 429 holds every worker's reads for ARM's Retry-After and shrinks the rate, answers'
 * Retry-After reaches the poller, and finished nested deployments are not listed again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArmClient, type ArmClient } from "@/lib/cloud/arm";
import { SANDBOX_SUBSCRIPTION_ID } from "@/lib/cloud/cloud";
import { SharedReadBudget } from "@/lib/jobs/read-budget";
import { addFault, listRecordedRequests, sandboxCredential, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { createTestDatabase, type TestDatabase } from "@/testing/test-database";

const RG = "rg-budget";
const nestedTemplate = {
  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  resources: [
    {
      type: "Microsoft.Resources/deployments",
      apiVersion: "2020-10-01",
      name: "inner",
      properties: {
        mode: "Incremental",
        expressionEvaluationOptions: { scope: "inner" },
        template: {
          $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          contentVersion: "1.0.0.0",
          resources: [{ type: "Microsoft.Network/networkSecurityGroups", apiVersion: "2022-07-01", name: "nsg-budget", location: "eastus", properties: {} }],
        },
      },
    },
  ],
};

let sandbox: TestSandbox;
let t: TestDatabase;
let arm: ArmClient;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  t = await createTestDatabase("sqlite");
  arm = createArmClient({ credential: sandboxCredential(sandbox), subscriptionId: SANDBOX_SUBSCRIPTION_ID, endpoint: sandbox.endpoints.arm });
  await arm.ensureResourceGroup(RG, "eastus");
});

afterAll(async () => {
  await t?.drop();
  await sandbox?.stop();
});

async function finished(name: string) {
  const submitted = await arm.submitDeployment({ resourceGroup: RG, name, template: nestedTemplate, parameters: {} });
  for (let i = 0; i < 200; i++) {
    const status = await arm.getDeployment(RG, name);
    if (status?.isTerminal) return submitted;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} did not finish`);
}

describe("ARM reads through the shared budget", () => {
  it("spends one token per read: the async operation, the deployment, each listing", async () => {
    const submitted = await finished("budget-count");
    expect(submitted.statusUrl).toMatch(/\/operationStatuses\//);
    const at = Date.now();
    const budget = new SharedReadBudget({ db: t.db, key: "arm:count", limits: { perSecond: 1, burst: 10 }, now: () => at });
    const read = { readBudget: budget };
    expect(await arm.getOperationStatus(submitted.statusUrl ?? "", read)).toMatchObject({ status: "Succeeded", isTerminal: true });
    expect(await arm.getDeployment(RG, "budget-count", read)).toMatchObject({ state: "Succeeded" });
    const operations = await arm.listOperations(RG, "budget-count", read);
    expect(operations.map((o) => `${o.deployment} ${o.resourceType}`)).toEqual(["budget-count Microsoft.Resources/deployments", "inner Microsoft.Network/networkSecurityGroups"]);
    // Four reads: status, deployment, the outer listing, the nested one.
    expect((await t.db.readBudget.findUniqueOrThrow({ where: { key: "arm:count" } })).tokens).toBe(6);
  });

  it("does not list a nested deployment again once an earlier listing saw it finished", async () => {
    await finished("budget-settled");
    const before = await listRecordedRequests(sandbox.endpoints.arm, { method: "GET", pathRegex: "/deployments/inner/operations$" });
    const first = await arm.listOperations(RG, "budget-settled");
    const again = await arm.listOperations(RG, "budget-settled", { settled: first });
    expect(again).toEqual(first);
    const after = await listRecordedRequests(sandbox.endpoints.arm, { method: "GET", pathRegex: "/deployments/inner/operations$" });
    expect(after.length - before.length).toBe(1);
  });

  it("holds every worker's reads for a 429's Retry-After and halves the rate", async () => {
    const submitted = await finished("budget-throttled");
    const clock = { t: Date.now() };
    // Two workers' handles on the subscription's budget, on a clock that stands still.
    const worker = () => new SharedReadBudget({ db: t.db, key: "arm:throttled", limits: { perSecond: 4, burst: 40 }, now: () => clock.t });
    const one = worker();
    const two = worker();
    await addFault(sandbox.endpoints.arm, { method: "GET", path: "/operationStatuses/", kind: "status", status: 429, retryAfterSeconds: 7, times: 1 });
    await expect(arm.getOperationStatus(submitted.statusUrl ?? "", { readBudget: one })).rejects.toMatchObject({ details: { status: 429, retryAfterMs: 7_000 } });
    const row = await t.db.readBudget.findUniqueOrThrow({ where: { key: "arm:throttled" } });
    expect(row.holdUntil?.getTime()).toBe(clock.t + 7_000);
    expect(row.ratePerSecond).toBe(2);
    // The other worker waits out the hold too, however many tokens the bucket had.
    expect(await two.availableIn()).toBe(7_000);
    await expect(two.bounded(1_000).take()).rejects.toMatchObject({ name: "ReadBudgetSpentError", waitMs: 7_000 });
  });

  it("hands an answer's Retry-After to the poller", async () => {
    const answering: typeof fetch = async () => new Response(JSON.stringify({ status: "Running" }), { status: 200, headers: { "content-type": "application/json", "retry-after": "17" } });
    const client = createArmClient({ credential: sandboxCredential(sandbox), subscriptionId: SANDBOX_SUBSCRIPTION_ID, endpoint: sandbox.endpoints.arm, fetch: answering });
    expect(await client.getOperationStatus(`${sandbox.endpoints.arm}/subscriptions/x/operationStatuses/y`)).toEqual({ status: "Running", isTerminal: false, error: undefined, retryAfterMs: 17_000 });
  });
});
