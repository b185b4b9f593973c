// One HTTP exchange with Erysta over the global fetch (undici), with two timeouts and one fact that
// matters more than anything else for place-order: did the request leave this process?
//
// fetch() alone cannot tell "connection refused" from "connection dropped after the order was sent".
// undici publishes documented diagnostics_channel events: `undici:request:create` when fetch hands the
// request to the connection pool, and `undici:client:sendHeaders` when its bytes are written to a
// socket. We tie those events to our call with AsyncLocalStorage (request:create runs in the async
// context of our fetch call) and a WeakMap keyed by undici's request object (sendHeaders runs in the
// socket's context). So:
//   - created and never written  -> "no": refused, DNS, TLS, connect timeout. Safe to retry.
//   - written                    -> "yes": anything that goes wrong now may have reached Erysta.
//   - never saw the create event -> "unknown": treated like "yes" (the events might be missing in some
//     future runtime; failing towards "ambiguous" only costs a manual review, never a double order).
// The same signal gives a real connect timeout: abort if nothing was written within connectTimeoutMs.
import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";

interface Tracker {
  created: boolean;
  sent: boolean;
}

const currentTracker = new AsyncLocalStorage<Tracker>();
const trackerOfRequest = new WeakMap<object, Tracker>();

diagnosticsChannel.subscribe("undici:request:create", (message) => {
  const tracker = currentTracker.getStore();
  const request = (message as { request?: object }).request;
  if (!tracker || !request) return;
  tracker.created = true;
  trackerOfRequest.set(request, tracker);
});
diagnosticsChannel.subscribe("undici:client:sendHeaders", (message) => {
  const request = (message as { request?: object }).request;
  const tracker = request ? trackerOfRequest.get(request) : undefined;
  if (tracker) tracker.sent = true;
});

export type SentState = "no" | "yes" | "unknown";

export type TransportOutcome =
  | { kind: "response"; status: number; headers: Headers; bodyText: string; durationMs: number }
  | {
      kind: "failure";
      failure: "connect_timeout" | "timeout" | "network" | "aborted";
      sent: SentState;
      cause: unknown;
      durationMs: number;
    };

export interface TransportRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Until the request is written to a socket (DNS + TCP + TLS + waiting for a pooled connection). */
  connectTimeoutMs: number;
  /** Whole exchange, body included. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function exchange(request: TransportRequest): Promise<TransportOutcome> {
  const tracker: Tracker = { created: false, sent: false };
  const controller = new AbortController();
  const started = performance.now();
  let stoppedBy: "connect_timeout" | "timeout" | "aborted" | undefined;

  const stop = (why: NonNullable<typeof stoppedBy>) => {
    if (stoppedBy) return;
    stoppedBy = why;
    controller.abort(new Error(why));
  };
  const connectTimer = setTimeout(() => {
    if (!tracker.sent) stop("connect_timeout");
  }, request.connectTimeoutMs);
  const totalTimer = setTimeout(() => stop("timeout"), request.timeoutMs);
  const onCallerAbort = () => stop("aborted");
  if (request.signal?.aborted) onCallerAbort();
  request.signal?.addEventListener("abort", onCallerAbort, { once: true });

  try {
    const response = await currentTracker.run(tracker, () =>
      fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        redirect: "manual",
      }),
    );
    clearTimeout(connectTimer);
    const bodyText = await response.text();
    return {
      kind: "response",
      status: response.status,
      headers: response.headers,
      bodyText,
      durationMs: performance.now() - started,
    };
  } catch (cause) {
    // Read `sent` now, not when a timer fired: a write that raced the abort still counts as sent.
    const sent: SentState = tracker.sent ? "yes" : tracker.created ? "no" : "unknown";
    return {
      kind: "failure",
      failure: stoppedBy ?? "network",
      sent,
      cause,
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(connectTimer);
    clearTimeout(totalTimer);
    request.signal?.removeEventListener("abort", onCallerAbort);
  }
}
