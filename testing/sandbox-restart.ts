/**
 * For tests under lib/ that stop and start the sandbox cloud from the same data dir, as npm start
 * does across restarts (lib/ never imports sandbox/ directly: see testing/sandbox.ts).
 */
export { freePorts, startTestSandbox } from "@/sandbox/testing";
export { SANDBOX_SERVICES } from "@/sandbox/core/ports";
