import { type SandboxRequest, type SandboxResponse, delay } from "../core/http";
import { type ArmState, armError } from "./arm-state";
import type { OperationResults } from "./operation-results";

/**
 * Resource group delete as ARM runs it: the DELETE answers 202 + Location at once; while the delete
 * runs the group reads `provisioningState: Deleting`, the deployments running in it are canceled
 * (they end `Canceled`), and a PUT of the group is refused; then its resources, deployments and the
 * group itself are gone (404) and the operation's Location answers 200.
 */
export function deleteResourceGroup(state: ArmState, operations: OperationResults, stepMs: () => number, req: SandboxRequest): SandboxResponse {
  const sub = req.params.sub ?? "";
  const group = state.getResourceGroup(sub, req.params.rg ?? "");
  if (!group) return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
  const key = state.rgKey(sub, group.name);
  const inProgress = deletionsOf(state);
  let finished = group.provisioningState === "Deleting" ? inProgress.get(key) : undefined;
  if (!finished) {
    group.provisioningState = "Deleting";
    const running = [...state.deployments.values()].filter((d) => state.rgKey(d.subscriptionId, d.resourceGroupName) === key && !["Succeeded", "Failed", "Canceled"].includes(d.provisioningState));
    for (const d of running) d.cancelRequested = true;
    const flag = { done: false };
    finished = flag;
    inProgress.set(key, flag);
    void (async () => {
      // What is in flight finishes (or notices the cancel) first; then one step of deleting.
      await Promise.all(running.map((d) => d.done.catch(() => undefined)));
      await delay(stepMs());
      if (state.resourceGroups.get(key) === group) state.removeResourceGroup(sub, group.name);
      flag.done = true;
      inProgress.delete(key);
    })();
  }
  const flag = finished;
  return operations.start(req, () => (flag.done ? { done: true, response: { status: 200 } } : { done: false, retryAfterMs: stepMs() }), 0);
}

/** ARM refuses to (re)create or deploy into a group while it is being deleted. */
export function refuseWhileDeleting(state: ArmState, req: SandboxRequest): SandboxResponse | undefined {
  const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
  if (group?.provisioningState !== "Deleting") return undefined;
  return armError(409, "ResourceGroupBeingDeleted", `The resource group '${group.name}' is in deprovisioning state and cannot perform this operation.`);
}

/** Deletes in progress per sandbox, by group key (a repeated DELETE joins the running one). */
const deletions = new WeakMap<ArmState, Map<string, { done: boolean }>>();

function deletionsOf(state: ArmState): Map<string, { done: boolean }> {
  const existing = deletions.get(state);
  if (existing) return existing;
  const created = new Map<string, { done: boolean }>();
  deletions.set(state, created);
  return created;
}
