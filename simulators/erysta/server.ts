// The Erysta Partner API simulator over plain node:http: the documented paths under /v1/partners, the
// documented envelopes and rate-limit headers, and a control API under /_control for tests, the demo
// and the benchmark. See README.md beside this file.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { SimProduct } from "./catalog";
import { createErystaSimulatorControl, type ErystaSimulatorControl } from "./control-client";
import {
  ErystaEngine,
  callsPerWindow,
  maxCallsInSlidingWindow,
  type FaultRule,
  type RateLimitConfig,
  type SimAccountInput,
  type SimEndpoint,
} from "./engine";

export interface ErystaSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Shorthand: accounts with the default balance (1000 EUR, no credit). */
  apiKey?: string | string[];
  accounts?: SimAccountInput[];
  /** Default: the demo catalog (catalog.ts). */
  catalog?: SimProduct[];
  /** 60 makes a 20-minute delivery take 20 s. Default 1. */
  timeScale?: number;
  /** Default 100 calls per 60 s per key. */
  rateLimit?: Partial<RateLimitConfig>;
  /** The simulator's clock (ms since epoch). Default Date.now; the control API can move it forward. */
  now?: () => number;
  /** When set, /_control requires the header x-control-token. */
  controlToken?: string;
  /** Called with one line per API request, e.g. console.log in the CLI. */
  log?: (line: string) => void;
}

export interface ErystaSimulator {
  /** Base URL of the API, including /v1/partners: what the client's baseUrl should be. */
  url: string;
  origin: string;
  control: ErystaSimulatorControl;
  close(): Promise<void>;
}

const API_PREFIX = "/v1/partners";
const CONTROL_PREFIX = "/_control";
const MAX_BODY_BYTES = 1_000_000;

export async function startErystaSimulator(options: ErystaSimulatorOptions = {}): Promise<ErystaSimulator> {
  const shorthandKeys =
    options.apiKey === undefined ? [] : Array.isArray(options.apiKey) ? options.apiKey : [options.apiKey];
  const accounts: SimAccountInput[] = [
    ...shorthandKeys.map((apiKey) => ({ apiKey })),
    ...(options.accounts ?? []),
  ];
  const engine = new ErystaEngine({
    accounts,
    catalog: options.catalog,
    timeScale: options.timeScale,
    rateLimit: options.rateLimit,
    now: options.now,
  });
  const pendingTimers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, {
          status: 500,
          success: false,
          error: { message: `Simulator bug: ${String(error)}`, timestamp: new Date().toISOString() },
        });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://simulator");
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`))
      return handleControl(req, res, url);
    if (url.pathname.startsWith(API_PREFIX))
      return handleApi(req, res, url.pathname.slice(API_PREFIX.length));
    sendJson(res, 404, errorBody(404, "Not Found", engine.now()));
  }

  // ---- the Partner API -----------------------------------------------------------------------
  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    const rawBody = await readBody(req);
    const t = engine.now();
    const method = req.method ?? "GET";
    const route = matchRoute(method, path);
    const apiKeyHeader = req.headers["x-api-key"];
    const apiKey = typeof apiKeyHeader === "string" ? apiKeyHeader : undefined;
    const account = apiKey ? engine.account(apiKey) : undefined;
    const log = (status: number | null, extra: Partial<Parameters<typeof engine.logCall>[0]> = {}) => {
      engine.logCall({
        at: t,
        method,
        path: `${API_PREFIX}${path}`,
        endpoint: route.endpoint ?? "unknown",
        apiKey: account ? apiKey! : null,
        status,
        counted: false,
        ...extra,
      });
      options.log?.(
        `${method} ${API_PREFIX}${path} → ${status ?? "dropped"}${extra.fault ? ` (fault: ${extra.fault})` : ""}`,
      );
    };

    if (!account) {
      log(401);
      return sendJson(res, 401, errorBody(401, "Unauthorized: invalid or missing API key", t));
    }
    if (!account.ipAllowListed) {
      log(403);
      const ip = req.socket.remoteAddress ?? "unknown";
      return sendJson(
        res,
        403,
        errorBody(403, `Forbidden: IP address ${ip} is not whitelisted for this API key`, t),
      );
    }

    const slot = engine.takeRateSlot(apiKey!);
    const rateHeaders: Record<string, string> = {
      "X-RateLimit": String(slot.limit),
      "X-RateLimit-Remaining": String(slot.remaining),
      "X-RateLimit-Reset": String(Math.ceil(slot.resetAtMs / 1000)),
    };
    if (!slot.allowed) {
      log(429);
      const retryAfter = Math.max(1, Math.ceil((slot.resetAtMs - t) / 1000));
      return sendJson(res, 429, errorBody(429, "Too Many Requests", t), {
        ...rateHeaders,
        "Retry-After": String(retryAfter),
      });
    }
    const counted = { counted: true };

    if (!route.endpoint) {
      log(route.status, counted);
      return sendJson(
        res,
        route.status,
        errorBody(route.status, route.status === 405 ? "Method Not Allowed" : "Not Found", t),
        rateHeaders,
      );
    }

    // Decide the fault before processing: it may need to stop processing altogether.
    let body: unknown;
    if (route.endpoint === "place-order") {
      try {
        body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
      } catch {
        log(400, counted);
        return sendJson(res, 400, errorBody(400, "Request body is not valid JSON", t), rateHeaders);
      }
    }
    const order = route.endpoint === "order-keys" ? engine.findOrder(apiKey!, route.orderId!) : undefined;
    const productIds =
      route.endpoint === "place-order"
        ? itemsProductIds(body)
        : order
          ? order.lines.map((line) => line.productId)
          : [];
    const fault = engine.takeFault(route.endpoint, apiKey!, productIds);
    const faulted = { ...counted, ...(fault ? { fault: fault.kind } : {}) };

    if (fault?.kind === "drop-before") {
      log(null, faulted);
      return void req.socket.destroy();
    }
    if (fault?.kind === "status" && !fault.afterCommit) {
      const status = fault.status ?? 500;
      log(status, faulted);
      return sendJson(
        res,
        status,
        errorBody(status, fault.message ?? "Internal Server Error", t),
        rateHeaders,
      );
    }

    // Process.
    const traceId = `req-${randomBytes(4).toString("hex")}`;
    let status = 200;
    let payload: unknown;
    let extra: Partial<Parameters<typeof engine.logCall>[0]> = { ...faulted };
    if (route.endpoint === "balance") {
      payload = success({ balance: account.balance, credit_limit: account.creditLimit }, traceId, t);
    } else if (route.endpoint === "place-order") {
      const result = engine.placeOrder(apiKey!, body);
      const referenceId =
        typeof (body as { reference_id?: unknown } | undefined)?.reference_id === "string"
          ? (body as { reference_id: string }).reference_id
          : undefined;
      extra = { ...extra, referenceId };
      if (result.ok) {
        payload = success({ id: result.order.id }, traceId, t);
        extra = { ...extra, orderId: result.order.id };
      } else {
        status = result.status;
        payload = errorBody(result.status, result.message, t);
      }
    } else if (!order) {
      status = 404;
      payload = errorBody(404, `Order ${route.orderId} not found`, t);
    } else {
      payload = success(await engine.orderKeysData(order), traceId, t);
      extra = { ...extra, orderId: order.id };
    }
    if (status === 200) extra = { ...extra, traceId };

    // Faults that strike after processing.
    if (fault?.kind === "drop-after-commit") {
      log(null, extra);
      return void req.socket.destroy();
    }
    if (fault?.kind === "status") {
      const faultStatus = fault.status ?? 500;
      log(faultStatus, extra);
      return sendJson(
        res,
        faultStatus,
        errorBody(faultStatus, fault.message ?? "Internal Server Error", t),
        rateHeaders,
      );
    }
    if (fault?.kind === "malformed") {
      log(200, extra);
      const text =
        fault.malformed === "shape"
          ? JSON.stringify({
              status: 200,
              success: true,
              details: { data: { unexpected: true }, extensions: { trace_id: traceId, timestamp: iso(t) } },
            })
          : `{"status":200,"success":true,"details":{"data":{"id":`;
      return sendRaw(res, 200, text, rateHeaders);
    }
    if (fault?.kind === "delay") {
      log(status, extra);
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (!res.destroyed) sendJson(res, status, payload, rateHeaders);
      }, fault.delayMs ?? 30_000);
      pendingTimers.add(timer);
      return;
    }
    log(status, extra);
    sendJson(res, status, payload, rateHeaders);
  }

  // ---- the control API -----------------------------------------------------------------------
  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (options.controlToken && req.headers["x-control-token"] !== options.controlToken) {
      return sendJson(res, 401, { error: "control token required" });
    }
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { error: "body is not JSON" });
    }
    const path = url.pathname.slice(CONTROL_PREFIX.length);
    const method = req.method ?? "GET";
    const query = (name: string) => url.searchParams.get(name) ?? undefined;
    try {
      if (method === "POST" && path === "/reset") {
        engine.reset();
        return sendJson(res, 200, { ok: true });
      }
      if (method === "GET" && path === "/state") {
        return sendJson(res, 200, {
          now: engine.now(),
          timeScale: engine.timeScale,
          rateLimit: engine.rateLimit,
          accounts: engine.listAccounts(),
          products: engine.listProducts(),
        });
      }
      if (method === "PUT" && path === "/config") {
        engine.configure(body as { timeScale?: number; rateLimit?: Partial<RateLimitConfig> });
        return sendJson(res, 200, { timeScale: engine.timeScale, rateLimit: engine.rateLimit });
      }
      if (method === "POST" && path === "/clock/advance") {
        return sendJson(res, 200, { now: engine.advance(Number(body.ms)) });
      }
      if (method === "PUT" && path === "/accounts") {
        if (typeof body.apiKey !== "string" || !body.apiKey)
          return sendJson(res, 400, { error: "apiKey required" });
        return sendJson(res, 200, engine.upsertAccount(body as unknown as SimAccountInput));
      }
      if (method === "PUT" && path === "/products") {
        if (typeof body.id !== "string" || !body.id) return sendJson(res, 400, { error: "id required" });
        return sendJson(res, 200, engine.upsertProduct(body as Partial<SimProduct> & { id: string }));
      }
      const productMatch = /^\/products\/([^/]+)$/.exec(path);
      if (method === "DELETE" && productMatch) {
        return sendJson(res, 200, { removed: engine.removeProduct(decodeURIComponent(productMatch[1]!)) });
      }
      if (path === "/faults") {
        if (method === "POST") return sendJson(res, 200, engine.addFault(body as unknown as FaultRule));
        if (method === "GET") return sendJson(res, 200, engine.listFaults());
        if (method === "DELETE") {
          engine.clearFaults();
          return sendJson(res, 200, { ok: true });
        }
      }
      if (method === "GET" && path === "/orders") {
        return sendJson(
          res,
          200,
          engine.listOrders({ referenceId: query("reference_id"), apiKey: query("api_key") }),
        );
      }
      const statusMatch = /^\/orders\/([^/]+)\/status$/.exec(path);
      if (method === "PUT" && statusMatch) {
        const status = typeof body.status === "string" ? body.status : null;
        const found = engine.overrideStatus(decodeURIComponent(statusMatch[1]!), status);
        return sendJson(res, found ? 200 : 404, { ok: found });
      }
      if (method === "GET" && path === "/ledger") {
        return sendJson(
          res,
          200,
          engine.ledger({ referenceId: query("reference_id"), apiKey: query("api_key") }),
        );
      }
      if (method === "GET" && path === "/calls") {
        const calls = engine.callLog({ apiKey: query("api_key") });
        const windowMs = Number(query("window_ms") ?? engine.rateLimit.windowMs);
        const sent = calls.filter((call) => call.apiKey !== null);
        return sendJson(res, 200, {
          calls,
          windowMs,
          perWindow: callsPerWindow(calls, windowMs),
          maxInSlidingWindow: maxCallsInSlidingWindow(
            sent.map((call) => call.at),
            windowMs,
          ),
        });
      }
      return sendJson(res, 404, { error: `no control endpoint ${method} ${path}` });
    } catch (error) {
      return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;

  return {
    url: `${origin}${API_PREFIX}`,
    origin,
    control: createErystaSimulatorControl(origin, { token: options.controlToken }),
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function matchRoute(
  method: string,
  path: string,
): { endpoint?: SimEndpoint; orderId?: string; status: number } {
  const keys = /^\/orders\/([^/]+)\/keys\/?$/.exec(path);
  const known: Array<[boolean, SimEndpoint, string]> = [
    [path === "/balance" || path === "/balance/", "balance", "GET"],
    [path === "/place-order" || path === "/place-order/", "place-order", "POST"],
    [keys !== null, "order-keys", "GET"],
  ];
  for (const [matches, endpoint, expected] of known) {
    if (!matches) continue;
    if (method !== expected) return { status: 405 };
    return { endpoint, status: 200, ...(keys ? { orderId: decodeURIComponent(keys[1]!) } : {}) };
  }
  return { status: 404 };
}

function itemsProductIds(body: unknown): string[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items
    .map((item) => (item as { id?: unknown } | null)?.id)
    .filter((id): id is string => typeof id === "string");
}

function success(data: unknown, traceId: string, t: number) {
  return {
    status: 200,
    success: true,
    details: { data, extensions: { cache: "no-store", trace_id: traceId, timestamp: iso(t) } },
  };
}

function errorBody(status: number, message: string, t: number) {
  return { status, success: false, error: { message, timestamp: iso(t) } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}
