// Typed helper for the simulator's control API (/_control/...). Works against an in-process simulator
// (startErystaSimulator(...).control) or one started with `npm run sim:erysta` (by origin).
import type { SimProduct } from "./catalog";
import type {
  CallLogEntry,
  FaultRule,
  FaultRuleInput,
  LedgerEntry,
  RateLimitConfig,
  SimAccount,
  SimAccountInput,
  SimOrderView,
} from "./engine";

export interface SimulatorState {
  now: number;
  timeScale: number;
  rateLimit: RateLimitConfig;
  accounts: SimAccount[];
  products: SimProduct[];
}

export interface CallReport {
  calls: CallLogEntry[];
  windowMs: number;
  /** Calls sent with a known key per fixed window (429s included). */
  perWindow: Array<{ windowStart: string; count: number }>;
  /** Most calls with a known key within any sliding window of windowMs. */
  maxInSlidingWindow: number;
}

export interface ErystaSimulatorControl {
  /** Back to the start options: orders, ledger, faults, call log and clock offset cleared. */
  reset(): Promise<void>;
  state(): Promise<SimulatorState>;
  configure(config: { timeScale?: number; rateLimit?: Partial<RateLimitConfig> }): Promise<void>;
  /** Moves the simulator's clock forward (statuses, refunds, rate windows follow). Returns the new now. */
  advanceTime(ms: number): Promise<number>;
  /** Creates or updates an account; `balance` sets the current balance. */
  setAccount(account: SimAccountInput): Promise<SimAccount>;
  account(apiKey: string): Promise<SimAccount | undefined>;
  setProduct(product: Partial<SimProduct> & { id: string }): Promise<SimProduct>;
  removeProduct(id: string): Promise<void>;
  addFault(rule: FaultRuleInput): Promise<FaultRule>;
  faults(): Promise<FaultRule[]>;
  clearFaults(): Promise<void>;
  orders(filter?: { referenceId?: string; apiKey?: string }): Promise<SimOrderView[]>;
  /** Forces the status Erysta reports for an order (null: back to the computed one), e.g. an unknown status. */
  setOrderStatus(orderId: string, status: string | null): Promise<void>;
  ledger(filter?: { referenceId?: string; apiKey?: string }): Promise<LedgerEntry[]>;
  calls(filter?: { apiKey?: string; windowMs?: number }): Promise<CallReport>;
}

export function createErystaSimulatorControl(
  origin: string,
  options: { token?: string } = {},
): ErystaSimulatorControl {
  const base = `${origin.replace(/\/+$/, "")}/_control`;

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    query: Record<string, string | number | undefined> = {},
  ): Promise<T> {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const response = await fetch(url, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(options.token ? { "x-control-token": options.token } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator control ${method} ${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  return {
    reset: () => request<unknown>("POST", "/reset").then(() => undefined),
    state: () => request<SimulatorState>("GET", "/state"),
    configure: (config) => request<unknown>("PUT", "/config", config).then(() => undefined),
    advanceTime: (ms) => request<{ now: number }>("POST", "/clock/advance", { ms }).then((r) => r.now),
    setAccount: (account) => request<SimAccount>("PUT", "/accounts", account),
    account: async (apiKey) =>
      (await request<SimulatorState>("GET", "/state")).accounts.find((a) => a.apiKey === apiKey),
    setProduct: (product) => request<SimProduct>("PUT", "/products", product),
    removeProduct: (id) =>
      request<unknown>("DELETE", `/products/${encodeURIComponent(id)}`).then(() => undefined),
    addFault: (rule) => request<FaultRule>("POST", "/faults", rule),
    faults: () => request<FaultRule[]>("GET", "/faults"),
    clearFaults: () => request<unknown>("DELETE", "/faults").then(() => undefined),
    orders: (filter = {}) =>
      request<SimOrderView[]>("GET", "/orders", undefined, {
        reference_id: filter.referenceId,
        api_key: filter.apiKey,
      }),
    setOrderStatus: (orderId, status) =>
      request<unknown>("PUT", `/orders/${encodeURIComponent(orderId)}/status`, { status }).then(
        () => undefined,
      ),
    ledger: (filter = {}) =>
      request<LedgerEntry[]>("GET", "/ledger", undefined, {
        reference_id: filter.referenceId,
        api_key: filter.apiKey,
      }),
    calls: (filter = {}) =>
      request<CallReport>("GET", "/calls", undefined, { api_key: filter.apiKey, window_ms: filter.windowMs }),
  };
}
