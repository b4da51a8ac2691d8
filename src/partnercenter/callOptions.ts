/** The options bag every operation takes last. */
export interface CallOptions {
  /** One per user turn or job run; a new one is made when absent. */
  correlationId?: string;
  signal?: AbortSignal;
  /**
   * MS-RequestId of this logical call (kept across its retries); a new one when absent. Set it to
   * record the id before the call (audit trails). Ignored by list operations: each page is a call.
   */
  requestId?: string;
  /** X-Locale for this call (e.g. 'fr-FR'); the client's default otherwise. */
  locale?: string;
  /**
   * When the call must have answered (epoch ms): it waits for the limiter and retries only within
   * it, then fails with code 'busy'. Default: the deadline of the work it runs in
   * (`withCallDeadline`), else none beyond the retry policy's own.
   */
  deadlineAt?: number;
}
