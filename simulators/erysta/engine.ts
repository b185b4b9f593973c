// The simulator's state and rules, free of HTTP: accounts, catalog, orders, ledger, rate windows,
// faults and the call log. Time comes from `now()` (plus an offset the control API can advance), and
// every status and refund is computed from timestamps, so nothing runs on timers and tests can move
// time deterministically.
import { randomBytes, randomInt } from "node:crypto";
import QRCode from "qrcode";
import { demoCatalog, type DeliveryProfile, type KeyFormat, type SimProduct } from "./catalog";

export type SimEndpoint = "balance" | "place-order" | "order-keys";

export interface SimAccountInput {
  apiKey: string;
  /** EUR; may be negative while credit is in use. Default 1000. */
  balance?: number;
  /** EUR; default 0. */
  creditLimit?: number;
  /** false: a valid key whose caller IP is not on Erysta's allow-list → 403. Default true. */
  ipAllowListed?: boolean;
}

export interface SimAccount {
  apiKey: string;
  balance: number;
  creditLimit: number;
  spendingPower: number;
  ipAllowListed: boolean;
}

export type FaultKind =
  /** Answer `status` (default 500) with an error envelope. Not processed unless `afterCommit`. */
  | "status"
  /** Process normally, answer after `delayMs` (use more than the client's timeout). */
  | "delay"
  /** Process, then answer 200 with a broken body: `malformed: "json"` (default) or `"shape"`. */
  | "malformed"
  /** Process (place-order: commit the order), then destroy the socket without answering. */
  | "drop-after-commit"
  /** Destroy the socket without processing anything. */
  | "drop-before";

export interface FaultRuleInput {
  kind: FaultKind;
  /** Only this endpoint (default: any). */
  endpoint?: SimEndpoint;
  /** Only requests about this product: place-order items, or order-keys of an order containing it. */
  productId?: string;
  /** Only this account. */
  apiKey?: string;
  status?: number;
  message?: string;
  afterCommit?: boolean;
  delayMs?: number;
  malformed?: "json" | "shape";
  /** How many matching requests it hits (default 1); "always" never runs out. */
  times?: number | "always";
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  remaining: number | "always";
  hits: number;
}

export interface CallLogEntry {
  seq: number;
  /** Simulator time, ms since epoch. */
  at: number;
  method: string;
  path: string;
  endpoint: SimEndpoint | "unknown";
  apiKey: string | null;
  /** HTTP status sent, or null when the connection was dropped. */
  status: number | null;
  /** Whether it counted against the rate limit. */
  counted: boolean;
  traceId?: string;
  referenceId?: string;
  orderId?: string;
  fault?: FaultKind;
}

export interface SimOrderLine {
  productId: string;
  title: string;
  quantity: number;
  unitPrice: number;
  delivered: number;
  profile: DeliveryProfile;
  keyFormat: KeyFormat;
  typeString: string;
  /** The text behind each delivered unit (the QR content for image keys). */
  codes: string[];
}

interface OrderRecord {
  id: string;
  apiKey: string;
  referenceId: string | null;
  createdAt: number;
  timeScale: number;
  lines: SimOrderLine[];
  debitCents: number;
  statusOverride?: string;
  images: Map<string, Promise<string>>;
}

export interface SimOrderView {
  id: string;
  apiKey: string;
  referenceId: string | null;
  createdAt: string;
  status: string;
  /** When the order reached its terminal status (COMPLETED, PARTIAL_COMPLETED, FAILED); null while pending. */
  completedAt: string | null;
  lines: Array<Omit<SimOrderLine, "codes" | "profile">>;
  debit: number;
  refunded: number;
  netDebit: number;
}

export interface LedgerEntry {
  at: string;
  apiKey: string;
  orderId: string;
  referenceId: string | null;
  kind: "debit" | "refund";
  /** Negative for debits, positive for refunds (EUR). */
  amount: number;
}

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface EngineOptions {
  accounts: SimAccountInput[];
  catalog?: SimProduct[];
  timeScale?: number;
  rateLimit?: Partial<RateLimitConfig>;
  now?: () => number;
}

export type PlaceOrderResult =
  { ok: true; order: OrderRecord } | { ok: false; status: number; message: string };

const cents = (eur: number) => Math.round(eur * 100);
const eur = (c: number) => c / 100;

export class ErystaEngine {
  private accounts = new Map<string, { input: Required<SimAccountInput>; baseCents: number }>();
  private products = new Map<string, SimProduct>();
  private orders = new Map<string, OrderRecord>();
  private faults: FaultRule[] = [];
  private calls: CallLogEntry[] = [];
  private windows = new Map<string, { start: number; count: number }>();
  private offsetMs = 0;
  private seq = 0;
  timeScale = 1;
  rateLimit: RateLimitConfig = { limit: 100, windowMs: 60_000 };
  private readonly baseNow: () => number;

  constructor(private readonly initial: EngineOptions) {
    this.baseNow = initial.now ?? Date.now;
    this.reset();
  }

  now(): number {
    return this.baseNow() + this.offsetMs;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error("clock can only move forward");
    this.offsetMs += ms;
    return this.now();
  }

  reset(): void {
    this.accounts.clear();
    this.products.clear();
    this.orders.clear();
    this.faults = [];
    this.calls = [];
    this.windows.clear();
    this.offsetMs = 0;
    this.seq = 0;
    this.timeScale = this.initial.timeScale ?? 1;
    this.rateLimit = { limit: 100, windowMs: 60_000, ...this.initial.rateLimit };
    for (const account of this.initial.accounts) this.upsertAccount(account);
    for (const product of this.initial.catalog ?? demoCatalog()) this.upsertProduct(product);
  }

  configure(config: { timeScale?: number; rateLimit?: Partial<RateLimitConfig> }): void {
    if (config.timeScale !== undefined) {
      if (!(config.timeScale > 0)) throw new Error("timeScale must be > 0");
      this.timeScale = config.timeScale;
    }
    if (config.rateLimit) {
      this.rateLimit = { ...this.rateLimit, ...config.rateLimit };
      this.windows.clear();
    }
  }

  // ---- accounts ------------------------------------------------------------------------------
  upsertAccount(input: SimAccountInput): SimAccount {
    const existing = this.accounts.get(input.apiKey);
    const merged: Required<SimAccountInput> = {
      apiKey: input.apiKey,
      balance: input.balance ?? (existing ? this.balanceCents(input.apiKey) / 100 : 1000),
      creditLimit: input.creditLimit ?? existing?.input.creditLimit ?? 0,
      ipAllowListed: input.ipAllowListed ?? existing?.input.ipAllowListed ?? true,
    };
    // The balance is computed from the ledger; store the base that makes it come out as requested now.
    const ledgerCents = this.ledgerCents(input.apiKey);
    this.accounts.set(input.apiKey, { input: merged, baseCents: cents(merged.balance) - ledgerCents });
    return this.account(input.apiKey)!;
  }

  account(apiKey: string): SimAccount | undefined {
    const record = this.accounts.get(apiKey);
    if (!record) return undefined;
    const balance = eur(this.balanceCents(apiKey));
    return {
      apiKey,
      balance,
      creditLimit: record.input.creditLimit,
      spendingPower: eur(this.balanceCents(apiKey) + cents(record.input.creditLimit)),
      ipAllowListed: record.input.ipAllowListed,
    };
  }

  listAccounts(): SimAccount[] {
    return [...this.accounts.keys()].map((key) => this.account(key)!);
  }

  private balanceCents(apiKey: string): number {
    const record = this.accounts.get(apiKey);
    return (record?.baseCents ?? 0) + this.ledgerCents(apiKey);
  }

  private ledgerCents(apiKey: string): number {
    return this.ledger({ apiKey }).reduce((sum, entry) => sum + cents(entry.amount), 0);
  }

  // ---- catalog -------------------------------------------------------------------------------
  upsertProduct(input: Partial<SimProduct> & { id: string }): SimProduct {
    const existing = this.products.get(input.id);
    const product: SimProduct = {
      id: input.id,
      title: input.title ?? existing?.title ?? `Product ${input.id}`,
      price: input.price ?? existing?.price ?? 1,
      stock: input.stock ?? existing?.stock ?? 1_000,
      profile: {
        ...(input.profile ?? existing?.profile ?? { pendingMs: 0, processingMs: 0, outcome: "completed" }),
      },
      keyFormat: input.keyFormat ?? existing?.keyFormat ?? "text",
      ...((input.typeString ?? existing?.typeString) !== undefined
        ? { typeString: input.typeString ?? existing?.typeString }
        : {}),
    };
    this.products.set(product.id, product);
    return { ...product };
  }

  removeProduct(id: string): boolean {
    return this.products.delete(id);
  }

  listProducts(): SimProduct[] {
    return [...this.products.values()].map((product) => ({ ...product, profile: { ...product.profile } }));
  }

  // ---- rate limit: fixed windows, like X-RateLimit-Reset suggests ------------------------------
  /** Counts one call if the window has room. */
  takeRateSlot(apiKey: string): { allowed: boolean; limit: number; remaining: number; resetAtMs: number } {
    const { limit, windowMs } = this.rateLimit;
    const t = this.now();
    const start = Math.floor(t / windowMs) * windowMs;
    let window = this.windows.get(apiKey);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(apiKey, window);
    }
    const allowed = window.count < limit;
    if (allowed) window.count += 1;
    return { allowed, limit, remaining: Math.max(0, limit - window.count), resetAtMs: start + windowMs };
  }

  // ---- faults --------------------------------------------------------------------------------
  addFault(input: FaultRuleInput): FaultRule {
    const times = input.times ?? 1;
    const rule: FaultRule = {
      ...input,
      id: `fault-${randomBytes(4).toString("hex")}`,
      remaining: times,
      hits: 0,
    };
    this.faults.push(rule);
    return { ...rule };
  }

  clearFaults(): void {
    this.faults = [];
  }

  listFaults(): FaultRule[] {
    return this.faults.map((rule) => ({ ...rule }));
  }

  /** The first matching fault that has uses left; consumes one use. */
  takeFault(endpoint: SimEndpoint, apiKey: string, productIds: string[]): FaultRule | undefined {
    const rule = this.faults.find(
      (candidate) =>
        (candidate.remaining === "always" || candidate.remaining > 0) &&
        (!candidate.endpoint || candidate.endpoint === endpoint) &&
        (!candidate.apiKey || candidate.apiKey === apiKey) &&
        (!candidate.productId || productIds.includes(candidate.productId)),
    );
    if (!rule) return undefined;
    if (rule.remaining !== "always") rule.remaining -= 1;
    rule.hits += 1;
    return { ...rule };
  }

  // ---- orders --------------------------------------------------------------------------------
  /** Atomic: validates everything first, then commits stock, debit and keys together, or nothing. */
  placeOrder(apiKey: string, body: unknown): PlaceOrderResult {
    const refuse = (status: number, message: string): PlaceOrderResult => ({ ok: false, status, message });
    if (!body || typeof body !== "object") return refuse(400, "Request body must be a JSON object");
    const { items, reference_id: referenceId } = body as { items?: unknown; reference_id?: unknown };
    if (!Array.isArray(items) || items.length === 0) return refuse(400, "items must be a non-empty array");
    if (
      referenceId !== undefined &&
      referenceId !== null &&
      (typeof referenceId !== "string" || referenceId.length > 255)
    ) {
      return refuse(400, "reference_id must be a string of at most 255 characters");
    }
    const wanted: Array<{ product: SimProduct; quantity: number }> = [];
    const seen = new Set<string>();
    for (const item of items as unknown[]) {
      const { id, quantity } = (item ?? {}) as { id?: unknown; quantity?: unknown };
      if (typeof id !== "string" || id.length === 0) return refuse(400, "Each item needs a product id");
      if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1) {
        return refuse(400, `Invalid quantity for product ${id}: must be a positive integer`);
      }
      // Undocumented at Erysta; refused here so the client has to merge lines itself.
      if (seen.has(id)) return refuse(400, `Duplicate product ${id} in items: send each product once`);
      seen.add(id);
      const product = this.products.get(id);
      if (!product) return refuse(404, `Product ${id} not found`);
      wanted.push({ product, quantity });
    }
    for (const { product, quantity } of wanted) {
      if (product.stock < quantity) {
        return refuse(
          400,
          `Product ${product.id} is out of stock (requested ${quantity}, available ${product.stock})`,
        );
      }
    }
    const account = this.accounts.get(apiKey)!;
    const totalCents = wanted.reduce(
      (sum, { product, quantity }) => sum + cents(product.price) * quantity,
      0,
    );
    const spendableCents = this.balanceCents(apiKey) + cents(account.input.creditLimit);
    if (totalCents > spendableCents) {
      return refuse(
        400,
        `Insufficient balance: order total ${eur(totalCents).toFixed(2)} EUR exceeds balance plus credit limit ${eur(spendableCents).toFixed(2)} EUR`,
      );
    }

    // Commit.
    const createdAt = this.now();
    const lines: SimOrderLine[] = wanted.map(({ product, quantity }) => {
      product.stock -= quantity;
      const delivered =
        product.profile.outcome === "failed"
          ? 0
          : product.profile.outcome === "partial"
            ? Math.floor(quantity / 2)
            : quantity;
      return {
        productId: product.id,
        title: product.title,
        quantity,
        unitPrice: product.price,
        delivered,
        profile: { ...product.profile },
        keyFormat: product.keyFormat,
        typeString: product.typeString ?? (product.keyFormat === "image" ? "image" : "text"),
        codes: Array.from({ length: delivered }, () => textCode()),
      };
    });
    const order: OrderRecord = {
      id: this.newOrderId(),
      apiKey,
      referenceId: typeof referenceId === "string" ? referenceId : null,
      createdAt,
      timeScale: this.timeScale,
      lines,
      debitCents: totalCents,
      images: new Map(),
    };
    this.orders.set(order.id, order);
    return { ok: true, order };
  }

  findOrder(apiKey: string, orderId: string): OrderRecord | undefined {
    const order = this.orders.get(orderId);
    return order && order.apiKey === apiKey ? order : undefined;
  }

  overrideStatus(orderId: string, status: string | null): boolean {
    const order = this.orders.get(orderId);
    if (!order) return false;
    if (status === null) delete order.statusOverride;
    else order.statusOverride = status;
    return true;
  }

  /** The documented `data` of GET /orders/{id}/keys, at the current simulator time. */
  async orderKeysData(order: OrderRecord): Promise<Record<string, unknown>> {
    const t = this.now();
    const timeline = this.timeline(order);
    const status = this.statusAt(order, t);
    const terminal = t >= timeline.terminalAt;
    const products = await Promise.all(
      order.lines.map(async (line) => {
        const product: Record<string, unknown> = {
          id: line.productId,
          title: line.title,
          quantity: line.quantity,
        };
        // Unknown at Erysta whether keys are missing or empty while pending: we do both.
        if (status === "PENDING") return product;
        product.keys = terminal
          ? await Promise.all(
              line.codes.map(async (code) => ({
                value: await this.keyValue(order, line, code),
                type: line.typeString,
              })),
            )
          : [];
        return product;
      }),
    );
    const account = this.account(order.apiKey)!;
    return {
      id: order.id,
      status,
      products,
      total_debit: eur(order.debitCents - this.refundedCents(order, t)),
      balance: { balance: account.balance, credit_limit: account.creditLimit },
    };
  }

  listOrders(filter: { referenceId?: string; apiKey?: string } = {}): SimOrderView[] {
    const t = this.now();
    return [...this.orders.values()]
      .filter(
        (order) =>
          (filter.referenceId === undefined || order.referenceId === filter.referenceId) &&
          (filter.apiKey === undefined || order.apiKey === filter.apiKey),
      )
      .map((order) => {
        const refunded = this.refundedCents(order, t);
        const { terminalAt } = this.timeline(order);
        return {
          id: order.id,
          apiKey: order.apiKey,
          referenceId: order.referenceId,
          createdAt: new Date(order.createdAt).toISOString(),
          status: this.statusAt(order, t),
          completedAt: t >= terminalAt ? iso(terminalAt) : null,
          lines: order.lines.map(({ codes: _codes, profile: _profile, ...line }) => line),
          debit: eur(order.debitCents),
          refunded: eur(refunded),
          netDebit: eur(order.debitCents - refunded),
        };
      });
  }

  ledger(filter: { apiKey?: string; referenceId?: string } = {}): LedgerEntry[] {
    const t = this.now();
    const entries: Array<LedgerEntry & { atMs: number }> = [];
    for (const order of this.orders.values()) {
      if (filter.apiKey !== undefined && order.apiKey !== filter.apiKey) continue;
      if (filter.referenceId !== undefined && order.referenceId !== filter.referenceId) continue;
      const base = { apiKey: order.apiKey, orderId: order.id, referenceId: order.referenceId };
      entries.push({
        ...base,
        atMs: order.createdAt,
        at: iso(order.createdAt),
        kind: "debit",
        amount: -eur(order.debitCents),
      });
      for (const refund of this.refunds(order)) {
        if (refund.at <= t)
          entries.push({
            ...base,
            atMs: refund.at,
            at: iso(refund.at),
            kind: "refund",
            amount: eur(refund.cents),
          });
      }
    }
    return entries.sort((a, b) => a.atMs - b.atMs).map(({ atMs: _atMs, ...entry }) => entry);
  }

  private timeline(order: OrderRecord) {
    const scaled = (ms: number) => ms / order.timeScale;
    const pendingEnd = Math.min(
      ...order.lines.map((line) => order.createdAt + scaled(line.profile.pendingMs)),
    );
    const terminalAt = Math.max(
      ...order.lines.map(
        (line) => order.createdAt + scaled(line.profile.pendingMs + line.profile.processingMs),
      ),
    );
    const delivered = order.lines.reduce((sum, line) => sum + line.delivered, 0);
    const units = order.lines.reduce((sum, line) => sum + line.quantity, 0);
    const refundDelays = order.lines
      .filter((line) => line.profile.outcome === "refunded_later")
      .map((line) => scaled(line.profile.refundAfterMs ?? 0));
    const refundAt =
      delivered === units && refundDelays.length > 0 ? terminalAt + Math.max(...refundDelays) : undefined;
    return { pendingEnd, terminalAt, delivered, units, refundAt };
  }

  private statusAt(order: OrderRecord, t: number): string {
    if (order.statusOverride) return order.statusOverride;
    const { pendingEnd, terminalAt, delivered, units, refundAt } = this.timeline(order);
    if (t < pendingEnd) return "PENDING";
    if (t < terminalAt) return "PROCESSING";
    if (delivered === 0) return "FAILED";
    if (delivered < units) return "PARTIAL_COMPLETED";
    if (refundAt !== undefined && t >= refundAt) return "REFUNDED";
    return "COMPLETED";
  }

  /** Failed units are refunded when the order ends; a refunded-later order gets the rest back later. */
  private refunds(order: OrderRecord): Array<{ at: number; cents: number }> {
    const { terminalAt, refundAt } = this.timeline(order);
    const failedCents = order.lines.reduce(
      (sum, line) => sum + cents(line.unitPrice) * (line.quantity - line.delivered),
      0,
    );
    const refunds: Array<{ at: number; cents: number }> = [];
    if (failedCents > 0) refunds.push({ at: terminalAt, cents: failedCents });
    if (refundAt !== undefined) refunds.push({ at: refundAt, cents: order.debitCents - failedCents });
    return refunds;
  }

  private refundedCents(order: OrderRecord, t: number): number {
    return this.refunds(order).reduce((sum, refund) => (refund.at <= t ? sum + refund.cents : sum), 0);
  }

  private keyValue(order: OrderRecord, line: SimOrderLine, code: string): Promise<string> {
    if (line.keyFormat === "text") return Promise.resolve(code);
    if (line.keyFormat === "url") return Promise.resolve(`https://redeem.erysta-sim.test/activate/${code}`);
    let image = order.images.get(code);
    if (!image) {
      image = QRCode.toDataURL(`ERYSTA-SIM:${code}`, {
        type: "image/png",
        margin: 1,
        width: 192,
        errorCorrectionLevel: "M",
      });
      order.images.set(code, image);
    }
    return image;
  }

  private newOrderId(): string {
    for (;;) {
      const id = Array.from({ length: 8 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join("");
      if (!this.orders.has(id)) return id;
    }
  }

  // ---- call log ------------------------------------------------------------------------------
  logCall(entry: Omit<CallLogEntry, "seq">): CallLogEntry {
    const logged = { ...entry, seq: ++this.seq };
    this.calls.push(logged);
    return logged;
  }

  callLog(filter: { apiKey?: string } = {}): CallLogEntry[] {
    return this.calls
      .filter((call) => filter.apiKey === undefined || call.apiKey === filter.apiKey)
      .map((call) => ({ ...call }));
  }
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function textCode(): string {
  return Array.from({ length: 3 }, () =>
    Array.from({ length: 5 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join(""),
  ).join("-");
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Per-window counts of the calls that reached Erysta's logic (401s excluded), for "never more than N a minute". */
export function callsPerWindow(
  calls: CallLogEntry[],
  windowMs: number,
): Array<{ windowStart: string; count: number }> {
  const counts = new Map<number, number>();
  for (const call of calls) {
    if (!call.apiKey) continue;
    const start = Math.floor(call.at / windowMs) * windowMs;
    counts.set(start, (counts.get(start) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a - b).map(([start, count]) => ({ windowStart: iso(start), count }));
}

/** The most calls that ever fell within `windowMs` of each other (a sliding window). */
export function maxCallsInSlidingWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}
