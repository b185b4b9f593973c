// The simulator's products and how each one delivers. Documented in simulators/erysta/README.md.
//
// A delivery profile is a timeline in "Erysta time" (divided by the simulator's timeScale):
//   PENDING for pendingMs, then PROCESSING for processingMs, then the outcome. Nothing runs on timers:
//   an order's status is computed from its creation time whenever someone asks.

export type DeliveryOutcome =
  /** Every unit delivered. */
  | "completed"
  /** floor(quantity / 2) units delivered, the rest fail and are refunded at the terminal time. */
  | "partial"
  /** Nothing delivered; the whole debit is refunded at the terminal time. */
  | "failed"
  /** COMPLETED with keys, then REFUNDED (whole debit returned) refundAfterMs later. */
  | "refunded_later";

export interface DeliveryProfile {
  pendingMs: number;
  processingMs: number;
  outcome: DeliveryOutcome;
  refundAfterMs?: number;
}

export const DELIVERY_PROFILES = {
  instant: { pendingMs: 0, processingMs: 0, outcome: "completed" },
  seconds: { pendingMs: 1_000, processingMs: 2_000, outcome: "completed" },
  minutes: { pendingMs: 10_000, processingMs: 3 * 60_000, outcome: "completed" },
  /** "some sources take 15–20 minutes" */
  slow20min: { pendingMs: 30_000, processingMs: 20 * 60_000 - 30_000, outcome: "completed" },
  partial: { pendingMs: 1_000, processingMs: 2_000, outcome: "partial" },
  failed: { pendingMs: 1_000, processingMs: 2_000, outcome: "failed" },
  refundedLater: {
    pendingMs: 1_000,
    processingMs: 2_000,
    outcome: "refunded_later",
    refundAfterMs: 2 * 60_000,
  },
} as const satisfies Record<string, DeliveryProfile>;

/**
 * How a product's keys look:
 *  - text:  XXXXX-XXXXX-XXXXX
 *  - url:   an activation URL (still a text key)
 *  - image: a real PNG QR code as data:image/png;base64,...
 * `typeString` is the `type` Erysta puts on each key; defaults: "text" for text/url, "image" for image.
 */
export type KeyFormat = "text" | "url" | "image";

export interface SimProduct {
  /** 24 hex characters, like Erysta's ids. */
  id: string;
  title: string;
  /** EUR, decimals allowed. */
  price: number;
  stock: number;
  profile: DeliveryProfile;
  keyFormat: KeyFormat;
  typeString?: string;
}

/** Fixed ids of the demo catalog: tests, the demo and the benchmark refer to these. */
export const DEMO_PRODUCTS = {
  /** "Test Product - TXT" (the id from Erysta's docs): text keys, delivered at once. */
  textInstant: "69ae19b4397b2e44c02853f5",
  /** Text keys after a few seconds (PENDING 1 s, PROCESSING 2 s). The id from the place-order example. */
  textSeconds: "69ae19b4397b2e44c02853f6",
  /** Image keys (PNG QR codes), delivered at once. */
  qrImage: "69ae19b4397b2e44c0285401",
  /** Image keys whose `type` string is "qr_code": the value, not the type, makes them images. */
  qrOddType: "69ae19b4397b2e44c0285402",
  /** Activation URLs, delivered at once: text keys that look like links. */
  activationUrl: "69ae19b4397b2e44c0285403",
  /** About 3 minutes (PENDING 10 s, PROCESSING 3 min). */
  slowMinutes: "69ae19b4397b2e44c0285404",
  /** 20 minutes (PENDING 30 s, PROCESSING until 20 min). */
  slow20min: "69ae19b4397b2e44c0285405",
  /** floor(quantity / 2) units delivered after 3 s; the rest fail and are refunded. */
  partial: "69ae19b4397b2e44c0285406",
  /** FAILED after 3 s; the debit is refunded. */
  failed: "69ae19b4397b2e44c0285407",
  /** COMPLETED after 3 s, REFUNDED 2 minutes later. */
  refundedLater: "69ae19b4397b2e44c0285408",
  /** Stock 0: every order containing it is refused. */
  outOfStock: "69ae19b4397b2e44c0285409",
  /** Costs 500.00: handy to exceed a balance. */
  expensive: "69ae19b4397b2e44c028540a",
} as const;

export type DemoProductName = keyof typeof DEMO_PRODUCTS;

const DEFAULT_STOCK = 1_000;

export function demoCatalog(): SimProduct[] {
  const p = DEMO_PRODUCTS;
  const d = DELIVERY_PROFILES;
  const product = (
    id: string,
    title: string,
    price: number,
    profile: DeliveryProfile,
    keyFormat: KeyFormat = "text",
    extra: Partial<SimProduct> = {},
  ): SimProduct => ({
    id,
    title,
    price,
    stock: DEFAULT_STOCK,
    profile: { ...profile },
    keyFormat,
    ...extra,
  });
  return [
    product(p.textInstant, "Test Product - TXT", 1.5, d.instant),
    product(p.textSeconds, "Steam Wallet Code 20 EUR", 19.2, d.seconds),
    product(p.qrImage, "Gift Card 25 EUR (QR)", 24.5, d.instant, "image"),
    product(p.qrOddType, "Voucher 10 EUR (QR, odd type)", 9.8, d.instant, "image", { typeString: "qr_code" }),
    product(p.activationUrl, "Software Licence (activation link)", 12, d.instant, "url"),
    product(p.slowMinutes, "Xbox Game Pass 1 Month", 9.99, d.minutes),
    product(p.slow20min, "PlayStation Plus 12 Months", 59.9, d.slow20min),
    product(p.partial, "Netflix Gift Card 15 EUR", 14.7, d.partial),
    product(p.failed, "Region-locked Game Key", 29.99, d.failed),
    product(p.refundedLater, "Spotify Premium 3 Months", 29.5, d.refundedLater),
    product(p.outOfStock, "Sold Out Collector's Edition", 79.99, d.instant, "text", { stock: 0 }),
    product(p.expensive, "Enterprise Licence Bundle", 500, d.instant),
  ];
}
