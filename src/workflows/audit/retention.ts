import type { AuditRepository } from '../../store';

export const DAY_MS = 86_400_000;

/**
 * The audit trail's only delete: entries older than the retention (AUDIT_RETENTION_DAYS) go. The
 * database allows nothing else (migration 0006: UPDATE is refused, and DELETE outside this purge or
 * of a row younger than its cutoff). Returns how many entries went.
 */
export async function purgeAuditTrail(
  audit: Pick<AuditRepository, 'purgeOlderThan'>,
  retentionDays: number,
  now: number,
): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError('the audit retention is a whole number of days, at least 1');
  }
  return audit.purgeOlderThan(now - retentionDays * DAY_MS);
}
