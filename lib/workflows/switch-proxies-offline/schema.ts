/** The switch-proxies-offline workflow's kind, payload and subject (one active job per upstream). */
import { z } from "zod";

export const SWITCH_PROXIES_OFFLINE_KIND = "switch-proxies-offline";

export const switchProxiesOfflinePayloadSchema = z.object({ upstreamId: z.string().min(1) });
export type SwitchProxiesOfflinePayload = z.infer<typeof switchProxiesOfflinePayloadSchema>;

/** The step's result: the repositories it switched offline (it keeps no checkpoint: repeating is harmless). */
export const switchOfflineResultSchema = z.object({ switched: z.array(z.string()) });
export type SwitchOfflineResult = z.infer<typeof switchOfflineResultSchema>;

export function switchProxiesOfflineSubject(upstreamId: string): string {
  return `upstream-revoked:${upstreamId}`;
}
