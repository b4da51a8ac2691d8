import type { RepositoryContext } from './context';

export interface Lease {
  name: string;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
}

/**
 * Named, time-limited exclusive leases. Expiry is judged by the caller's clock (the store's `now`),
 * so instances sharing a database need clocks in sync to well within the TTLs they use.
 */
export interface LeaseRepository {
  /** Takes the lease if it is free, expired, or already ours (then extends it). */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease we still hold; false if another holder has it (or nobody does). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if we hold it. */
  release(name: string, holder: string): Promise<boolean>;
  get(name: string): Promise<Lease | undefined>;
}

export function leaseRepository(ctx: RepositoryContext): LeaseRepository {
  const { db } = ctx;
  return {
    async tryAcquire(name, holder, ttlMs) {
      const now = ctx.now();
      // One statement, so the check and the take are atomic on both engines.
      const row = await db
        .insertInto('leases')
        .values({ name, holder, acquired_at: now, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({
              holder: eb.ref('excluded.holder'),
              acquired_at: eb
                .case()
                .when('leases.holder', '=', holder)
                .then(eb.ref('leases.acquired_at'))
                .else(eb.ref('excluded.acquired_at'))
                .end(),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where((eb) => eb.or([eb('leases.expires_at', '<=', now), eb('leases.holder', '=', holder)])),
        )
        .returning('holder')
        .executeTakeFirst();
      return row !== undefined;
    },

    async renew(name, holder, ttlMs) {
      const result = await db
        .updateTable('leases')
        .set({ expires_at: ctx.now() + ttlMs })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async release(name, holder) {
      const result = await db
        .deleteFrom('leases')
        .where('name', '=', name)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async get(name) {
      const row = await db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
      return (
        row && { name: row.name, holder: row.holder, acquiredAt: row.acquired_at, expiresAt: row.expires_at }
      );
    },
  };
}
