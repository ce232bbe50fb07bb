// Runs in the browser before any page code (Next.js instrumentation-client convention).
import { configureZodForBrowser } from "@/lib/validation/zod-browser-config";

configureZodForBrowser();
