/**
 * next/headers and next/cache as server actions and route handlers see them outside Next: the
 * request a test sets (its cookie and Origin). For `vi.mock` factories:
 *   const request = vi.hoisted(() => ({ cookie: "", origin: "http://localhost:3999" }));
 *   vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
 *   vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);
 */
export interface TestRequest {
  cookie: string;
  origin?: string | null;
}

export function nextHeadersFor(request: TestRequest) {
  return {
    headers: async () => new Headers({ ...(request.cookie ? { cookie: request.cookie } : {}), ...(request.origin ? { origin: request.origin } : {}) }),
    cookies: async () => ({
      get: (name: string) => {
        const pair = request.cookie.split("; ").find((p) => p.startsWith(`${name}=`));
        return pair ? { name, value: pair.slice(name.length + 1) } : undefined;
      },
    }),
  };
}

export const nextCacheStub = { revalidatePath: () => undefined, revalidateTag: () => undefined };
