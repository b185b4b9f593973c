// The extension's decisions, pure: what to show for the latest answer of the backend, and when to ask
// again. The Preact component (OrderKeys.tsx) only renders a View and runs the timer.
import type {
  CustomerDeliveryStatus,
  CustomerProductKeys,
  OrderKeysResponse,
} from "../../../app/customer/order-keys-contract";

/** Keys usually arrive in under a minute; some products take up to 20 minutes. */
export const USUAL_WAIT_SECONDS = 20 * 60;
/** Consecutive failed requests after which the view admits it cannot reach the shop. */
export const FAILURES_BEFORE_NOTICE = 3;
/** Consecutive failed requests after which the extension stops asking. */
export const MAX_FAILURES = 8;
/** The Thank you page can load before Shopify has told the app about the order (orders/paid). */
export const NOT_FOUND_GIVE_UP_MS = 3 * 60_000;
/** Nobody keeps a page open this long; the email carries the keys anyway. */
export const STOP_REFRESHING_AFTER_MS = 2 * 60 * 60_000;

export interface PollState {
  /** The latest answer of the backend, if any. */
  answer?: OrderKeysResponse;
  /** Consecutive failed requests (network error, 5xx, 401, unreadable answer). */
  failures: number;
}

/** Every message has a title and a body in the locale files (messages.<key>.title / .body). */
export type MessageKey =
  "pending" | "late" | "delayed" | "delivered" | "partial" | "failed" | "refunded" | "emailed";
export const MESSAGE_KEYS: MessageKey[] = [
  "pending",
  "late",
  "delayed",
  "delivered",
  "partial",
  "failed",
  "refunded",
  "emailed",
];

export type Tone = "info" | "success" | "warning" | "critical";

export interface View {
  visible: boolean;
  message: MessageKey | null;
  tone: Tone;
  /** Keys are still on their way and the section refreshes itself. */
  waiting: boolean;
  products: CustomerProductKeys[];
  /** Order status page, buyer not logged in: keys are there once they log in. */
  offerLogin: boolean;
  /** The last requests failed: say so, keep the last known state. */
  unreachable: boolean;
}

const HIDDEN: View = {
  visible: false,
  message: null,
  tone: "info",
  waiting: false,
  products: [],
  offerLogin: false,
  unreachable: false,
};

const TONES: Record<MessageKey, Tone> = {
  pending: "info",
  late: "info",
  delayed: "warning",
  delivered: "success",
  partial: "warning",
  failed: "critical",
  refunded: "warning",
  emailed: "success",
};

function messageFor(answer: OrderKeysResponse): MessageKey | null {
  const late = (answer.waitingSeconds ?? 0) > USUAL_WAIT_SECONDS;
  const byStatus: Record<CustomerDeliveryStatus, MessageKey | null> = {
    not_found: null,
    not_digital: null,
    pending: late ? "late" : "pending",
    delayed: "delayed",
    delivered: answer.access === "granted" ? "delivered" : "emailed",
    partial: answer.access === "granted" ? "partial" : "emailed",
    failed: "failed",
    refunded: "refunded",
  };
  return byStatus[answer.status];
}

export function viewOf(state: PollState, context: { canLogIn: boolean }): View {
  const { answer } = state;
  // Before the first answer, or for an order without keys to deliver, the block stays empty: most
  // orders of a shop may have no digital products, and a failing first request says nothing either.
  if (!answer) return HIDDEN;
  const message = messageFor(answer);
  if (!message) return HIDDEN;
  const granted = answer.access === "granted";
  return {
    visible: true,
    message,
    tone: TONES[message],
    waiting: answer.status === "pending",
    products: granted ? answer.products.filter((p) => p.keys.length > 0 || p.missing > 0) : [],
    offerLogin:
      !granted && context.canLogIn && (answer.status === "delivered" || answer.status === "partial"),
    unreachable: state.failures >= FAILURES_BEFORE_NOTICE,
  };
}

/**
 * When to ask the backend again, in ms, or null to stop. Fast while keys usually arrive (first
 * minute), slower up to the 20 minutes some products take, then once a minute; never after a final
 * answer. Failures back off from 5 s to a minute and give up after MAX_FAILURES.
 */
export function nextRefreshMs(state: PollState, elapsedMs: number): number | null {
  if (elapsedMs >= STOP_REFRESHING_AFTER_MS) return null;
  if (state.failures > 0) {
    if (state.failures >= MAX_FAILURES) return null;
    return Math.min(5_000 * 2 ** (state.failures - 1), 60_000);
  }
  const { answer } = state;
  if (!answer) return 2_000;
  switch (answer.status) {
    case "not_found":
      if (elapsedMs >= NOT_FOUND_GIVE_UP_MS) return null;
      return elapsedMs < 30_000 ? 2_000 : 5_000;
    case "pending": {
      const waited = answer.waitingSeconds ?? Math.floor(elapsedMs / 1000);
      if (waited < 60) return 2_000;
      if (waited < 5 * 60) return 5_000;
      if (waited < USUAL_WAIT_SECONDS + 5 * 60) return 15_000;
      return 60_000;
    }
    case "delayed":
      // The shop has to act (review, approval); it may take a while, but it may also come today.
      return 60_000;
    case "delivered":
    case "partial":
    case "failed":
    case "refunded":
    case "not_digital":
      return null;
  }
}
