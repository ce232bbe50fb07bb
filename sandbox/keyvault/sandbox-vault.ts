/** The vault every sandbox starts with, and the secrets it holds (sandbox/main.ts seeds them). */
export const SANDBOX_VAULT = {
  vault: "kv-feedgate-sandbox",
  nexusAdminPassword: "nexus-admin-password",
} as const;

/** The Key Vault secret URI of the sandbox Nexus' admin password, as an admin types it. */
export const SANDBOX_NEXUS_SECRET_URI = `https://${SANDBOX_VAULT.vault}.vault.azure.net/secrets/${SANDBOX_VAULT.nexusAdminPassword}`;
