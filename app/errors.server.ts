// The one question jobs ask of a failure: is it worth trying again? Every integration (Erysta, Shopify,
// SMTP) maps its failures to a subclass of IntegrationError that answers it; jobs call `isRetryable`.
export abstract class IntegrationError extends Error {
  abstract readonly retryable: boolean;
  /** How long to wait before trying again, when the other side said so (Retry-After, throttle). */
  readonly retryAfterMs?: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Unknown errors (bugs, crashes of our own code) are retried: the job's retry limit bounds them. */
export function isRetryable(error: unknown): boolean {
  return error instanceof IntegrationError ? error.retryable : true;
}

export function retryAfterMs(error: unknown): number | undefined {
  return error instanceof IntegrationError ? error.retryAfterMs : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
