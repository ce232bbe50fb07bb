/** The sandbox services that listen on a port of their own, in start order. */
export const SANDBOX_SERVICES = ["arm", "aml", "amlDataPlane", "nexus", "artifacts", "blob", "containerRegistry"] as const;
export type SandboxService = (typeof SANDBOX_SERVICES)[number];

/** The variable that fixes each service's port (validated by lib/env.ts; npm start passes them all). */
export const SANDBOX_PORT_VARIABLES = {
  arm: "SANDBOX_ARM_PORT",
  aml: "SANDBOX_AML_PORT",
  amlDataPlane: "SANDBOX_AML_DATA_PLANE_PORT",
  nexus: "SANDBOX_NEXUS_PORT",
  artifacts: "SANDBOX_ARTIFACTS_PORT",
  blob: "SANDBOX_BLOB_PORT",
  containerRegistry: "SANDBOX_CONTAINER_REGISTRY_PORT",
} as const satisfies Record<SandboxService, string>;

/** The one line printed when a fixed port is taken: it names the variable to change. */
export function portInUseMessage(variable: string, port: number): string {
  return `Invalid configuration: ${variable} port ${port} is already in use (another npm start?); stop that process or set ${variable} to a free port`;
}
