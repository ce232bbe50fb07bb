import { describe, expect, it } from "vitest";
import { AddressPoolExhaustedError, allocateAddressSpace, cidrsOverlap } from "./address-pool";

describe("allocateAddressSpace", () => {
  it("gives the first /24 of an empty pool", () => {
    expect(allocateAddressSpace("10.40.0.0/16", [])).toBe("10.40.0.0/24");
  });

  it("skips ranges in use, big or small, inside or straddling the pool", () => {
    expect(allocateAddressSpace("10.40.0.0/16", ["10.40.0.0/23", "10.40.2.128/25", "192.168.0.0/16"])).toBe("10.40.3.0/24");
    expect(allocateAddressSpace("10.40.0.0/22", ["10.38.0.0/15", "10.40.0.0/24", "10.40.1.0/25", "10.40.1.128/25"])).toBe("10.40.2.0/24");
  });

  it("says clearly when the pool is full", () => {
    expect(() => allocateAddressSpace("10.40.0.0/23", ["10.40.0.0/24", "10.40.1.0/24"])).toThrow(AddressPoolExhaustedError);
    expect(() => allocateAddressSpace("10.40.0.0/23", ["10.0.0.0/8"])).toThrow(/no free \/24/);
  });

  it("property: never overlaps a used range, stays in the pool, is deterministic and order-independent", () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const pool = `10.${rand(256)}.0.0/${16 + rand(5)}`;
      const normalisedPool = `10.${pool.split(".")[1]}.0.0/${pool.split("/")[1]}`;
      const used = Array.from({ length: rand(12) }, () => `10.${rand(256)}.${rand(256)}.0/${20 + rand(7)}`);
      let result: string | null = null;
      try {
        result = allocateAddressSpace(normalisedPool, used);
      } catch (error) {
        expect(error).toBeInstanceOf(AddressPoolExhaustedError);
      }
      const reversed = (() => {
        try {
          return allocateAddressSpace(normalisedPool, [...used].reverse());
        } catch {
          return null;
        }
      })();
      expect(reversed).toBe(result);
      if (result) {
        expect(result.endsWith("/24")).toBe(true);
        expect(cidrsOverlap(result, normalisedPool)).toBe(true);
        for (const range of used) expect(cidrsOverlap(result, range)).toBe(false);
      }
    }
  });
});
