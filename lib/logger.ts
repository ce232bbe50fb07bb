import pino, { type Logger } from "pino";
import { env } from "@/lib/env";

let instance: Logger | undefined;

/** The process logger, created on first use so importing a module never parses configuration. */
export function getLogger(): Logger {
  // Token and cookie values are credentials: never write them, even at debug level.
  instance ??= pino({ level: env.LOG_LEVEL, redact: { paths: ["idToken", "cookie", "*.idToken", "*.cookie"], censor: "***" } });
  return instance;
}
