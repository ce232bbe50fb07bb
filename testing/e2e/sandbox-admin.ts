import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import path from "node:path";

/**
 * One call to the sandbox cloud's admin API (`/_sandbox/…`, served on each of its servers) of the
 * sandbox under `dataDir`, over its HTTPS, trusted through its own CA; resolves to the JSON answer
 * (null for an empty one) or rejects with the status and body.
 */
export async function sandboxAdmin(dataDir: string, method: "GET" | "POST" | "PUT", adminPath: `/_sandbox/${string}`, payload?: unknown): Promise<unknown> {
  const endpoints = JSON.parse(readFileSync(path.join(dataDir, "sandbox", "endpoints.json"), "utf8")) as { arm: string; caCertFile: string };
  const body = payload === undefined ? "" : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${endpoints.arm}${adminPath}`, { method, ca: readFileSync(endpoints.caCertFile), headers: { authorization: "Bearer e2e", "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolve(text ? (JSON.parse(text) as unknown) : null) : reject(new Error(`${method} ${adminPath} answered ${res.statusCode}: ${text.slice(0, 300)}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}
