/** Who made a call, from the bearer token (written into audit records and carts). */
export interface Actor {
  kind: 'app' | 'app+user';
  applicationId: string;
  userId?: string;
  userPrincipalName?: string;
}

export interface AuditRecordEntry {
  customerId: string;
  customerName: string;
  userPrincipalName: string;
  applicationId: string;
  resourceType: string;
  resourceOldValue?: string;
  resourceNewValue: string;
  operationType: string;
  operationDate: number;
  operationStatus: 'succeeded' | 'failed' | 'progress';
  customizedData: { key: string; value: string }[];
}

/** The activity log: one record per mutating operation done on the simulator. */
export class AuditLog {
  private readonly entries: AuditRecordEntry[] = [];

  add(entry: AuditRecordEntry): void {
    this.entries.push(entry);
  }

  between(startMs: number, endMs: number): AuditRecordEntry[] {
    return this.entries.filter((e) => e.operationDate >= startMs && e.operationDate <= endMs);
  }

  get size(): number {
    return this.entries.length;
  }
}
