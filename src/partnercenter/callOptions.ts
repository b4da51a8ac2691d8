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
}
