export type TokenKind = 'app' | 'app+user' | 'none';

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  requestId: string;
  correlationId: string;
  tokenKind: TokenKind;
  /** The id (`uti`) of the token the call carried, when it carried a valid one. */
  tokenId?: string;
  durationMs: number;
  /** Set when the answer is the first answer of an earlier call with the same MS-RequestId. */
  replayed?: boolean;
}

/** Every API and token call (not /_sim calls), for tests and benchmarks to count what a flow costs. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, ...entry });
    if (this.entries.length > 50_000) this.entries.splice(0, this.entries.length - 50_000);
  }

  since(seq: number): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  clear(): void {
    this.entries = [];
  }
}
