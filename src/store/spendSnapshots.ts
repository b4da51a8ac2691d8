import type { RepositoryContext } from './context';
import { nullable, optional } from './context';

/** What a customer had spent of its billing period on a day, as last seen that day. */
export interface SpendSnapshot {
  customerId: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** The billing period, YYYY-MM of its start. */
  periodKey: string;
  totalCost: number;
  currency: string;
  budget?: number;
  recordedAt: number;
}

/**
 * One spend figure per customer and day, kept by the budget sweep and by every usage card: Partner
 * Center gives the period's total only, so the daily trend is what we saw day by day.
 */
export interface SpendSnapshotRepository {
  /** Keeps the day's latest figure. */
  record(snapshot: SpendSnapshot): Promise<void>;
  /** The figures of a customer's billing period, oldest day first. */
  period(customerId: string, periodKey: string): Promise<SpendSnapshot[]>;
}

export function spendSnapshotRepository(ctx: RepositoryContext): SpendSnapshotRepository {
  const { db } = ctx;
  return {
    async record(snapshot) {
      const row = {
        customer_id: snapshot.customerId,
        day: snapshot.day,
        period_key: snapshot.periodKey,
        total_cost: snapshot.totalCost,
        currency: snapshot.currency,
        budget: nullable(snapshot.budget),
        recorded_at: snapshot.recordedAt,
      };
      await db
        .insertInto('spend_snapshots')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['customer_id', 'day'])
            .doUpdateSet({
              period_key: row.period_key,
              total_cost: row.total_cost,
              currency: row.currency,
              budget: row.budget,
              recorded_at: row.recorded_at,
            })
            // An older reading (a slow sweep) never replaces a newer one.
            .where('spend_snapshots.recorded_at', '<=', row.recorded_at),
        )
        .execute();
    },

    async period(customerId, periodKey) {
      const rows = await db
        .selectFrom('spend_snapshots')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('period_key', '=', periodKey)
        .orderBy('day')
        .execute();
      return rows.map((row) => ({
        customerId: row.customer_id,
        day: row.day,
        periodKey: row.period_key,
        totalCost: row.total_cost,
        currency: row.currency,
        ...(optional(row.budget) !== undefined ? { budget: row.budget as number } : {}),
        recordedAt: row.recorded_at,
      }));
    },
  };
}
