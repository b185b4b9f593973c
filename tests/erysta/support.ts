// Shared by the Erysta tests: an in-process simulator on a fake clock, clients with their own API key
// (so their rate budgets never interfere), and a strict PNG decoder to prove image keys are real images.
import { randomBytes } from "node:crypto";
import { inflateSync, crc32 } from "node:zlib";
import type { PrismaClient } from "@prisma/client";
import { createErystaClient, type ErystaClient, type ErystaClientOptions } from "~/erysta/client.server";
import { createRateBudget, type RateBudgetOptions } from "~/erysta/rate-budget.server";
import {
  startErystaSimulator,
  type ErystaSimulator,
  type ErystaSimulatorOptions,
  type SimAccountInput,
} from "../../simulators/erysta";

/** 2026-03-09T15:30:00Z, the docs' example time; tests move it by hand. */
export const START_TIME = Date.UTC(2026, 2, 9, 15, 30, 0);

export interface SimHarness {
  sim: ErystaSimulator;
  clock: { now: number; advance(ms: number): void };
  /** A fresh account on the simulator with its own key, and a client using it. */
  account(
    input?: Omit<SimAccountInput, "apiKey">,
    clientOptions?: Partial<Omit<ErystaClientOptions, "apiKey" | "baseUrl" | "rateBudget">> & {
      budget?: Partial<Omit<RateBudgetOptions, "prisma" | "apiKey">>;
    },
  ): Promise<{ apiKey: string; client: ErystaClient }>;
  close(): Promise<void>;
}

export async function startSimHarness(
  prisma: PrismaClient,
  options: Omit<ErystaSimulatorOptions, "now"> = {},
): Promise<SimHarness> {
  const clock = {
    now: START_TIME,
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const sim = await startErystaSimulator({ ...options, now: () => clock.now });
  return {
    sim,
    clock,
    async account(input = {}, clientOptions = {}) {
      const apiKey = `test-key-${randomBytes(6).toString("hex")}`;
      await sim.control.setAccount({ apiKey, ...input });
      const { budget, ...rest } = clientOptions;
      const client = createErystaClient({
        baseUrl: sim.url,
        apiKey,
        connectTimeoutMs: 2_000,
        timeoutMs: 5_000,
        ...rest,
        rateBudget: createRateBudget({ prisma, apiKey, limit: 1_000, ...budget }),
      });
      return { apiKey, client };
    },
    close: () => sim.close(),
  };
}

/** Decodes a PNG far enough to prove it is one: signature, chunk CRCs, IHDR, and inflated pixel data of the right size. */
export function decodePng(buffer: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!buffer.subarray(0, 8).equals(signature)) throw new Error("not a PNG signature");
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString("ascii", offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    const crc = buffer.readUInt32BE(offset + 8 + length);
    if (crc32(buffer.subarray(offset + 4, offset + 8 + length)) !== crc)
      throw new Error(`bad CRC in ${type}`);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8]!;
      colorType = data[9]!;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") {
      ended = true;
      break;
    }
    offset += 12 + length;
  }
  if (!ended || width === 0 || height === 0) throw new Error("incomplete PNG");
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (!channels) throw new Error(`unknown colour type ${colorType}`);
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  const pixels = inflateSync(Buffer.concat(idat));
  if (pixels.length !== height * (1 + rowBytes)) throw new Error("pixel data has the wrong size");
  return { width, height };
}

/** Runs fn and returns what it threw (fails if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
