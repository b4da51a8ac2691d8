/** The options bag every operation takes last. */
export interface CallOptions {
  /** One per user turn or job run; a new one is made when absent. */
  correlationId?: string;
  signal?: AbortSignal;
  /** X-Locale for this call (e.g. 'fr-FR'); the client's default otherwise. */
  locale?: string;
}
