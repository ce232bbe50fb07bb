import type { InstalledPackages } from "./image-build";

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

/** A workspace connection (2022-10-01 WorkspaceConnectionPropertiesV2); `secret` is never returned by a GET. */
export type WorkspaceConnection = {
  name: string;
  authType: string;
  category: string;
  target: string;
  valueFormat?: string;
  secret: Record<string, string>;
  createdAt: string;
  modifiedAt: string;
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
  /** What the simulated install put in the image (sandbox inspection: GET /sandbox/imageBuilds/{id}/installed). */
  installed?: InstalledPackages;
  startedAt: string;
  endedAt?: string;
};

/** Azure ML workspace-scoped state: environments (by workspace ARM id, lower-case) and image builds. */
export class AmlState {
  readonly environments = new Map<string, Map<string, EnvironmentContainer>>();
  readonly builds = new Map<string, ImageBuild>();
  /** Last build per environment version: `${workspaceId}|${name}|${version}` lower-case. */
  readonly latestBuild = new Map<string, ImageBuild>();
  /** Workspace connections by workspace ARM id (lower-case), then name (lower-case). */
  readonly connections = new Map<string, Map<string, WorkspaceConnection>>();

  connectionsOf(workspaceId: string): Map<string, WorkspaceConnection> {
    const key = workspaceId.toLowerCase();
    let map = this.connections.get(key);
    if (!map) {
      map = new Map();
      this.connections.set(key, map);
    }
    return map;
  }

  /** True while an image build is still running. */
  isBusy(): boolean {
    for (const b of this.builds.values()) if (!isTerminalBuild(b)) return true;
    return false;
  }

  /** latestBuild points at the same objects as builds, so it is stored as build ids. */
  toSnapshot(): AmlSnapshot {
    return { environments: this.environments, connections: this.connections, builds: this.builds, latestBuild: new Map([...this.latestBuild].map(([k, b]) => [k, b.id])) };
  }

  /**
   * Loads a snapshot. A build that was running when the sandbox stopped ends Failed with
   * BuildInterrupted (its process is gone; nothing resumes it): returns those builds so the
   * caller can add the reason to their logs.
   */
  restore(snapshot: AmlSnapshot): ImageBuild[] {
    for (const [k, v] of snapshot.environments ?? []) this.environments.set(k, v);
    for (const [k, v] of snapshot.connections ?? []) this.connections.set(k, v);
    for (const [k, v] of snapshot.builds ?? []) this.builds.set(k, v);
    for (const [k, id] of snapshot.latestBuild ?? []) {
      const build = this.builds.get(id);
      if (build) this.latestBuild.set(k, build);
    }
    const interrupted: ImageBuild[] = [];
    for (const build of this.builds.values()) {
      if (isTerminalBuild(build)) continue;
      build.status = "Failed";
      build.error = { code: "BuildInterrupted", message: "The sandbox cloud stopped while this image build was running. Start the build again." };
      build.endedAt = new Date().toISOString();
      interrupted.push(build);
    }
    return interrupted;
  }

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

export type AmlSnapshot = {
  environments?: Map<string, Map<string, EnvironmentContainer>>;
  connections?: Map<string, Map<string, WorkspaceConnection>>;
  builds?: Map<string, ImageBuild>;
  latestBuild?: Map<string, string>;
};

function isTerminalBuild(build: ImageBuild): boolean {
  return build.status === "Succeeded" || build.status === "Failed";
}
