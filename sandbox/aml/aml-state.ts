export type EnvironmentVersion = {
  name: string;
  version: string;
  properties: Record<string, unknown>;
  createdAt: string;
  modifiedAt: string;
};

export type EnvironmentContainer = {
  name: string;
  properties: Record<string, unknown>;
  createdAt: string;
  modifiedAt: string;
  versions: Map<string, EnvironmentVersion>;
};

export type ImageBuild = {
  id: string;
  workspaceId: string;
  environment: string;
  version: string;
  status: "Queued" | "GettingOrProvisioningACR" | "Running" | "Succeeded" | "Failed";
  logContainer: string;
  logBlob: string;
  logUrl: string;
  error?: { code: string; message: string };
  imageName?: string;
  startedAt: string;
  endedAt?: string;
};

/** Azure ML workspace-scoped state: environments (by workspace ARM id, lower-case) and image builds. */
export class AmlState {
  readonly environments = new Map<string, Map<string, EnvironmentContainer>>();
  readonly builds = new Map<string, ImageBuild>();
  /** Last build per environment version: `${workspaceId}|${name}|${version}` lower-case. */
  readonly latestBuild = new Map<string, ImageBuild>();

  containersOf(workspaceId: string): Map<string, EnvironmentContainer> {
    const key = workspaceId.toLowerCase();
    let map = this.environments.get(key);
    if (!map) {
      map = new Map();
      this.environments.set(key, map);
    }
    return map;
  }
}
