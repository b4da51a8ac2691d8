import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  ALL_CUSTOMERS,
  ETagConflictError,
  StoreDataError,
  type ActionRequest,
  type NewActionRequest,
  type SqlStore,
} from '../../../src/store';
import { TestClock } from './testDatabases';

/** One database the contract runs against. */
export interface StoreTarget {
  /** Opens a Store (running migrations) on the target database, with the given clock. */
  open(now: () => number): Promise<SqlStore>;
  /** Whether two open() calls reach the same database (false for ':memory:'). */
  sharedDatabase: boolean;
  /** Removes what the target created (files, schema). Stores are closed before. */
  dispose(): Promise<void>;
}

function newRequest(overrides: Partial<NewActionRequest> = {}): NewActionRequest {
  return {
    kind: 'purchase',
    customerId: `cust-${randomUUID()}`,
    customerName: 'Contoso Ltd',
    requesterId: 'user-requester',
    requesterName: 'Rita Requester',
    payload: { productId: 'DZH318Z0BPS6', skuId: '0001', quantity: 1 },
    correlationId: randomUUID(),
    ...overrides,
  };
}

/**
 * The behaviour every engine must show. Where the target has a shared database, "two instances"
 * are two Store objects with their own connections; on ':memory:' they are the same object.
 */
export function describeStoreContract(label: string, makeTarget: () => Promise<StoreTarget>): void {
  describe(`store contract: ${label}`, () => {
    const clock = new TestClock();
    let target: StoreTarget;
    let store: SqlStore;
    let other: SqlStore;

    beforeAll(async () => {
      target = await makeTarget();
      store = await target.open(clock.now);
      other = target.sharedDatabase ? await target.open(clock.now) : store;
    });

    afterAll(async () => {
      await other?.close();
      await store?.close();
      await target?.dispose();
    });

    describe('lifecycle', () => {
      it('answers ping once migrated', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await expect(other.ping()).resolves.toBeUndefined();
      });

      if (label.startsWith('postgres')) {
        it('reports the postgres engine', () => expect(store.engine).toBe('postgres'));
      } else {
        it('reports the sqlite engine', () => expect(store.engine).toBe('sqlite'));
      }
    });

    describe('migrations', () => {
      it('applies every migration exactly once however many stores open the database', async () => {
        const again = target.sharedDatabase ? await target.open(clock.now) : store;
        try {
          const created = await store.requests.create(newRequest());
          await expect(again.requests.get(created.id)).resolves.toMatchObject({ id: created.id });
          const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(
            again.kysely,
          );
          expect(applied.rows.map((r) => r.name)).toEqual([
            '0001_initial',
            '0002_request_orders',
            '0003_request_engine',
            '0004_spend',
            '0005_downloads',
            '0006_governance',
          ]);
        } finally {
          if (again !== store) await again.close();
        }
      });
    });

    describe('conversation references', () => {
      it('upserts, reads, filters and deletes references', async () => {
        const teamId = `team-${randomUUID()}`;
        const channelKey = `channel-${randomUUID()}`;
        const personalKey = `personal-${randomUUID()}`;
        await store.conversations.upsert(channelKey, {
          reference: { conversation: { id: '19:abc@thread.tacv2' }, serviceUrl: 'https://smba.example/' },
          conversationType: 'channel',
          tenantId: 'tenant-1',
          teamId,
          channelId: '19:abc@thread.tacv2',
          serviceUrl: 'https://smba.example/',
        });
        await store.conversations.upsert(personalKey, {
          reference: { conversation: { id: 'a:1' } },
          conversationType: 'personal',
          tenantId: 'tenant-1',
          userAadObjectId: 'aad-1',
          serviceUrl: 'https://smba.example/',
        });
        const updated = await other.conversations.upsert(channelKey, {
          reference: { conversation: { id: '19:abc@thread.tacv2' }, activityId: 'new' },
          conversationType: 'channel',
          tenantId: 'tenant-1',
          teamId,
          channelId: '19:abc@thread.tacv2',
          serviceUrl: 'https://smba2.example/',
        });
        expect(updated.serviceUrl).toBe('https://smba2.example/');

        const fetched = await store.conversations.get(channelKey);
        expect(fetched).toMatchObject({
          key: channelKey,
          conversationType: 'channel',
          teamId,
          serviceUrl: 'https://smba2.example/',
          reference: { conversation: { id: '19:abc@thread.tacv2' }, activityId: 'new' },
        });
        expect((await store.conversations.list({ teamId })).map((c) => c.key)).toEqual([channelKey]);
        const personal = await store.conversations.list({ conversationType: 'personal' });
        expect(personal.map((c) => c.key)).toContain(personalKey);
        expect(personal.every((c) => c.conversationType === 'personal')).toBe(true);

        await expect(store.conversations.delete(channelKey)).resolves.toBe(true);
        await expect(store.conversations.get(channelKey)).resolves.toBeUndefined();
        await expect(store.conversations.delete(channelKey)).resolves.toBe(false);
      });
    });

    describe('bot state (botbuilder Storage semantics)', () => {
      it('purges state not written for longer than asked, and only that', async () => {
        const old = `abandoned-${randomUUID()}`;
        const fresh = `fresh-${randomUUID()}`;
        await store.botState.write({ [old]: { dialogStack: [] } });
        clock.advance(8 * 86_400_000);
        await store.botState.write({ [fresh]: { dialogStack: [] } });
        expect(await store.botState.purgeOlderThan(7 * 86_400_000)).toBeGreaterThanOrEqual(1);
        const left = await store.botState.read([old, fresh]);
        expect(Object.keys(left)).toEqual([fresh]);
      });

      it('reads a missing key as absent', async () => {
        const items = await store.botState.read([`missing-${randomUUID()}`]);
        expect(items).toEqual({});
      });

      it('stores an item, returns it with an eTag, and assigns a new eTag on every write', async () => {
        const key = `state-${randomUUID()}`;
        await store.botState.write({ [key]: { dialogStack: [{ id: 'purchase' }], count: 1 } });
        const first = (await store.botState.read([key]))[key];
        expect(first).toMatchObject({ dialogStack: [{ id: 'purchase' }], count: 1 });
        expect(typeof first.eTag).toBe('string');

        await store.botState.write({ [key]: { ...first, count: 2 } });
        const second = (await other.botState.read([key]))[key];
        expect(second.count).toBe(2);
        expect(second.eTag).not.toBe(first.eTag);
      });

      it('refuses a write with a stale eTag', async () => {
        const key = `state-${randomUUID()}`;
        await store.botState.write({ [key]: { count: 1 } });
        const stale = (await store.botState.read([key]))[key];
        await store.botState.write({ [key]: { ...stale, count: 2 } });
        await expect(store.botState.write({ [key]: { ...stale, count: 3 } })).rejects.toBeInstanceOf(
          ETagConflictError,
        );
        expect((await store.botState.read([key]))[key].count).toBe(2);
      });

      it("overwrites whatever is stored when the eTag is '*' or missing", async () => {
        const key = `state-${randomUUID()}`;
        await store.botState.write({ [key]: { count: 1 } });
        await store.botState.write({ [key]: { count: 2, eTag: '*' } });
        expect((await store.botState.read([key]))[key].count).toBe(2);
        await store.botState.write({ [key]: { count: 3 } });
        expect((await store.botState.read([key]))[key].count).toBe(3);
      });

      it('accepts an eTag on a key that does not exist yet, as MemoryStorage does', async () => {
        const key = `state-${randomUUID()}`;
        await store.botState.write({ [key]: { count: 1, eTag: 'from-elsewhere' } });
        expect((await store.botState.read([key]))[key].count).toBe(1);
      });

      it('lets exactly one of two instances write with the same eTag', async () => {
        const key = `state-${randomUUID()}`;
        await store.botState.write({ [key]: { count: 0 } });
        const read = (await store.botState.read([key]))[key];
        const outcomes = await Promise.allSettled([
          store.botState.write({ [key]: { ...read, count: 1 } }),
          other.botState.write({ [key]: { ...read, count: 2 } }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o) => o.status === 'rejected');
        expect(rejected && rejected.reason).toBeInstanceOf(ETagConflictError);
      });

      it('reads several keys at once and deletes keys', async () => {
        const a = `state-${randomUUID()}`;
        const b = `state-${randomUUID()}`;
        await store.botState.write({ [a]: { n: 'a' }, [b]: { n: 'b' } });
        expect(Object.keys(await store.botState.read([a, b, 'nope'])).sort()).toEqual([a, b].sort());
        await store.botState.delete([a]);
        expect(Object.keys(await store.botState.read([a, b]))).toEqual([b]);
      });
    });

    describe('action requests', () => {
      it('creates a request in the requested state at version 1', async () => {
        const created = await store.requests.create(
          newRequest({ reason: 'new project', expiresAt: clock.now() + 1000 }),
        );
        expect(created).toMatchObject({
          kind: 'purchase',
          state: 'requested',
          version: 1,
          reason: 'new project',
          createdAt: clock.now(),
          updatedAt: clock.now(),
          expiresAt: clock.now() + 1000,
          payload: { productId: 'DZH318Z0BPS6', skuId: '0001', quantity: 1 },
        });
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
        await expect(other.requests.get(created.id)).resolves.toEqual(created);
        await expect(store.requests.get(randomUUID())).resolves.toBeUndefined();
      });

      it('finds the request that placed an order, whatever the case of the order id', async () => {
        const created = await store.requests.create(newRequest());
        const orderId = `Ord${randomUUID().slice(0, 8)}`;
        await store.requests.linkOrders(created.id, [orderId, `${orderId}-2`]);
        await store.requests.linkOrders(created.id, [orderId]); // a resumed run links again
        await expect(other.requests.findByOrderId(orderId.toUpperCase())).resolves.toMatchObject({
          id: created.id,
        });
        await expect(store.requests.findByOrderId(`${orderId}-2`)).resolves.toMatchObject({ id: created.id });
        await expect(store.requests.findByOrderId('no-such-order')).resolves.toBeUndefined();
      });

      it('transitions from an expected state, applies the patch and bumps the version', async () => {
        const created = await store.requests.create(newRequest());
        clock.advance(5);
        const approved = await store.requests.transition(created.id, {
          from: 'requested',
          to: 'approved',
          patch: { approverId: 'user-approver', approverName: 'Alex Approver' },
        });
        expect(approved).toEqual({
          ok: true,
          request: expect.objectContaining({
            state: 'approved',
            version: 2,
            approverId: 'user-approver',
            approverName: 'Alex Approver',
            updatedAt: created.updatedAt + 5,
            createdAt: created.createdAt,
          }),
        });
        const executing = await store.requests.transition(created.id, {
          from: ['approved', 'requested'],
          to: 'executing',
        });
        expect(executing.ok && executing.request.state).toBe('executing');
      });

      it('refuses a transition from the wrong state and returns the current record', async () => {
        const created = await store.requests.create(newRequest());
        await store.requests.transition(created.id, { from: 'requested', to: 'rejected' });
        const refused = await store.requests.transition(created.id, { from: 'approved', to: 'executing' });
        expect(refused).toEqual({
          ok: false,
          reason: 'state-mismatch',
          current: expect.objectContaining({ id: created.id, state: 'rejected', version: 2 }),
        });
        await expect(
          store.requests.transition(randomUUID(), { from: 'requested', to: 'approved' }),
        ).resolves.toEqual({
          ok: false,
          reason: 'not-found',
        });
      });

      it('lets exactly one of two concurrent transitions on one request win, across instances', async () => {
        for (let round = 0; round < 5; round++) {
          const created = await store.requests.create(newRequest());
          const results = await Promise.all([
            store.requests.transition(created.id, {
              from: 'requested',
              to: 'approved',
              patch: { approverId: 'a' },
            }),
            other.requests.transition(created.id, { from: 'requested', to: 'cancelled' }),
          ]);
          const winners = results.filter((r) => r.ok);
          expect(winners).toHaveLength(1);
          const loser = results.find((r) => !r.ok);
          const winner = winners[0] as { ok: true; request: ActionRequest };
          expect(loser).toEqual({
            ok: false,
            reason: 'state-mismatch',
            current: expect.objectContaining({ state: winner.request.state, version: 2 }),
          });
          await expect(store.requests.get(created.id)).resolves.toMatchObject({
            state: winner.request.state,
            version: 2,
          });
        }
      });

      it('updates data inside a state with a version compare-and-set', async () => {
        const created = await store.requests.create(newRequest());
        const executing = await store.requests.transition(created.id, { from: 'requested', to: 'executing' });
        if (!executing.ok) throw new Error('transition failed');
        const withCart = await store.requests.update(created.id, {
          expectedVersion: executing.request.version,
          patch: { payload: { ...executing.request.payload, cartId: 'cart-1' } },
        });
        expect(withCart.ok && withCart.request).toMatchObject({
          state: 'executing',
          version: 3,
          payload: { cartId: 'cart-1' },
        });
        const stale = await other.requests.update(created.id, {
          expectedVersion: executing.request.version,
          patch: { payload: { cartId: 'cart-2' } },
        });
        expect(stale).toEqual({
          ok: false,
          reason: 'version-mismatch',
          current: expect.objectContaining({
            version: 3,
            payload: expect.objectContaining({ cartId: 'cart-1' }),
          }),
        });
        await expect(store.requests.update(randomUUID(), { expectedVersion: 1, patch: {} })).resolves.toEqual(
          {
            ok: false,
            reason: 'not-found',
          },
        );
      });

      it('records a result and an error and clears a field patched to undefined', async () => {
        const created = await store.requests.create(newRequest({ reason: 'temporary' }));
        const failed = await store.requests.transition(created.id, {
          from: 'requested',
          to: 'failed',
          patch: {
            error: { code: '13605', message: 'Cart expired' },
            result: { attempts: 2 },
            reason: undefined,
          },
        });
        expect(failed.ok && failed.request).toMatchObject({
          state: 'failed',
          error: { code: '13605', message: 'Cart expired' },
          result: { attempts: 2 },
        });
        expect(failed.ok && failed.request.reason).toBeUndefined();
      });

      it('lists by state, kind, customer and requester, newest first, with a limit', async () => {
        const customerId = `cust-${randomUUID()}`;
        const first = await store.requests.create(newRequest({ customerId }));
        clock.advance(1);
        const second = await store.requests.create(
          newRequest({ customerId, kind: 'suspend', requesterId: 'other' }),
        );
        clock.advance(1);
        const third = await store.requests.create(newRequest({ customerId, expiresAt: clock.now() - 1 }));
        await store.requests.transition(first.id, { from: 'requested', to: 'approved' });

        expect((await store.requests.list({ customerId })).map((r) => r.id)).toEqual([
          third.id,
          second.id,
          first.id,
        ]);
        expect((await store.requests.list({ customerId, limit: 2 })).map((r) => r.id)).toEqual([
          third.id,
          second.id,
        ]);
        expect((await store.requests.list({ customerId, state: 'approved' })).map((r) => r.id)).toEqual([
          first.id,
        ]);
        expect(
          (await store.requests.list({ customerId, state: ['approved', 'requested'] })).map((r) => r.id),
        ).toEqual([third.id, second.id, first.id]);
        expect((await store.requests.list({ customerId, kind: 'suspend' })).map((r) => r.id)).toEqual([
          second.id,
        ]);
        expect(
          (await store.requests.list({ customerId, kind: ['suspend', 'purchase'], limit: 2 })).map(
            (r) => r.id,
          ),
        ).toEqual([third.id, second.id]);
        expect(await store.requests.list({ customerId, kind: [] })).toEqual([]);
        expect((await store.requests.list({ customerId, requesterId: 'other' })).map((r) => r.id)).toEqual([
          second.id,
        ]);
        expect(
          (await store.requests.list({ customerId, expiresBefore: clock.now() })).map((r) => r.id),
        ).toEqual([third.id]);
      });

      it("lists a tenant's requests (and those recorded without one), a page at a time", async () => {
        const customerId = `cust-${randomUUID()}`;
        const ours = await store.requests.create(newRequest({ customerId, tenantId: 'Tenant-A' }));
        clock.advance(1);
        await store.requests.create(newRequest({ customerId, tenantId: 'tenant-b' }));
        clock.advance(1);
        const untenanted = await store.requests.create(newRequest({ customerId }));
        clock.advance(1);
        const newest = await store.requests.create(newRequest({ customerId, tenantId: 'tenant-a' }));

        const ids = async (filter: { limit?: number; offset?: number }) =>
          (await store.requests.list({ customerId, tenantId: 'TENANT-A', ...filter })).map((r) => r.id);
        expect(await ids({})).toEqual([newest.id, untenanted.id, ours.id]);
        expect(await ids({ limit: 2 })).toEqual([newest.id, untenanted.id]);
        expect(await ids({ limit: 2, offset: 2 })).toEqual([ours.id]);
        expect(await ids({ offset: 3 })).toEqual([]);
      });

      it('raises a typed error, not a crash, for a stored document that no longer parses', async () => {
        const created = await store.requests.create(newRequest());
        await store.kysely
          .updateTable('action_requests')
          .set({ payload_json: '{"truncated":' })
          .where('id', '=', created.id)
          .execute();
        const failure = await store.requests.get(created.id).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(StoreDataError);
        expect(failure).toMatchObject({ table: 'action_requests', key: created.id, column: 'payload_json' });

        await store.kysely
          .updateTable('action_requests')
          .set({ payload_json: '[1,2]' })
          .where('id', '=', created.id)
          .execute();
        await expect(store.requests.get(created.id)).rejects.toBeInstanceOf(StoreDataError);
      });
    });

    describe('audit', () => {
      it('appends entries and lists them newest first, filtered and paged', async () => {
        const requestId = randomUUID();
        const customerId = `cust-${randomUUID()}`;
        const appended = [];
        for (let i = 0; i < 5; i++) {
          appended.push(
            await store.audit.append({
              at: clock.now() + (i < 4 ? i : 3),
              actorId: 'user-1',
              actorName: 'User One',
              action: `step-${i}`,
              requestId: i < 4 ? requestId : undefined,
              customerId,
              correlationId: 'corr-1',
              pcRequestId: `pc-${i}`,
              outcome: 'ok',
              details: { i },
            }),
          );
        }
        expect(appended[0]).toMatchObject({ id: expect.any(Number), details: { i: 0 }, pcRequestId: 'pc-0' });

        const forCustomer = await other.audit.list({ customerId });
        expect(forCustomer.map((e) => e.action)).toEqual(['step-4', 'step-3', 'step-2', 'step-1', 'step-0']);
        const forRequest = await store.audit.list({ requestId });
        expect(forRequest.map((e) => e.action)).toEqual(['step-3', 'step-2', 'step-1', 'step-0']);

        const page1 = await store.audit.list({ customerId, limit: 2 });
        const page2 = await store.audit.list({ customerId, limit: 2, before: page1[1] });
        const page3 = await store.audit.list({ customerId, limit: 2, before: page2[1] });
        expect([...page1, ...page2, ...page3].map((e) => e.action)).toEqual([
          'step-4',
          'step-3',
          'step-2',
          'step-1',
          'step-0',
        ]);
        expect(
          (await store.audit.list({ customerId, before: clock.now() + 2 })).map((e) => e.action),
        ).toEqual(['step-1', 'step-0']);
      });

      it('keeps where and about what: tenant, conversation, request kind, customer name; filters by time', async () => {
        const customerId = `cust-${randomUUID()}`;
        const entry = {
          actorId: 'user-1',
          action: 'read.usage',
          outcome: 'ok',
          customerId,
          customerName: 'Alpine Ski House',
          tenantId: 'tenant-1',
          conversationId: '19:general@thread.tacv2;messageid=7',
          kind: 'set-budget',
        };
        await store.audit.append({ ...entry, at: clock.now() - 10_000 });
        await store.audit.append({ ...entry, at: clock.now() });
        const found = await other.audit.list({ customerId, since: clock.now() - 5_000 });
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject(entry);
      });

      it('refuses UPDATE and DELETE of audit rows in the database itself; the retention purge deletes only rows older than its cutoff', async () => {
        const customerId = `cust-${randomUUID()}`;
        const day = 86_400_000;
        for (const age of [400, 399, 10]) {
          await store.audit.append({
            at: clock.now() - age * day,
            actorId: 'user-1',
            action: `aged-${age}`,
            outcome: 'ok',
            customerId,
          });
        }
        // The error's message: better-sqlite3's errors may come from another realm than the test's,
        // where `rejects.toThrow` does not see an Error.
        const failure = (attempt: Promise<unknown>) =>
          attempt.then(
            () => 'no error',
            (error: unknown) => String((error as { message?: unknown }).message ?? error),
          );
        expect(
          await failure(
            store.kysely
              .updateTable('audit_log')
              .set({ outcome: 'forged' })
              .where('customer_id', '=', customerId)
              .execute(),
          ),
        ).toMatch(/audit_log is append-only: UPDATE refused/);
        expect(
          await failure(store.kysely.deleteFrom('audit_log').where('customer_id', '=', customerId).execute()),
        ).toMatch(/audit_log is append-only: DELETE refused/);

        expect(await store.audit.purgeOlderThan(clock.now() - 300 * day)).toBe(2);
        expect((await other.audit.list({ customerId })).map((e) => e.action)).toEqual(['aged-10']);
        // Nothing else went: the rows of the other tests are all younger than the cutoff.
        expect(await store.audit.purgeOlderThan(clock.now() - 300 * day)).toBe(0);
      });
    });

    describe('role grants', () => {
      it('grants and revokes once each, with their audit records in the same transaction', async () => {
        const principalId = randomUUID();
        const audit = (action: string) => ({
          actorId: 'admin-1',
          action,
          outcome: 'ok',
          details: { principalId },
        });
        const grant = {
          principalId: principalId.toUpperCase(),
          role: 'approver',
          grantedBy: 'admin-1',
          principalName: 'Pat',
        };
        expect(await store.roleGrants.grant(grant, audit('roles.grant'))).toBe(true);
        expect(await other.roleGrants.grant(grant, audit('roles.grant'))).toBe(false);
        expect(await other.roleGrants.list({ principalId })).toEqual([
          expect.objectContaining({
            principalId,
            role: 'approver',
            principalName: 'Pat',
            grantedBy: 'admin-1',
          }),
        ]);
        expect(await store.roleGrants.revoke(principalId, 'approver', audit('roles.revoke'))).toBe(true);
        expect(await store.roleGrants.revoke(principalId, 'approver', audit('roles.revoke'))).toBe(false);
        expect(await store.roleGrants.list({ principalId })).toEqual([]);
        const rows = (await store.audit.list({ limit: 500 })).filter(
          (e) => e.details?.principalId === principalId,
        );
        expect(rows.map((e) => e.action)).toEqual(['roles.revoke', 'roles.grant']);
      });
    });

    describe('leases', () => {
      it('gives a lease to one holder until it expires, then to another', async () => {
        const name = `lease-${randomUUID()}`;
        await expect(store.leases.tryAcquire(name, 'instance-a', 1000)).resolves.toBe(true);
        await expect(other.leases.tryAcquire(name, 'instance-b', 1000)).resolves.toBe(false);
        await expect(store.leases.tryAcquire(name, 'instance-a', 1000)).resolves.toBe(true);
        clock.advance(999);
        await expect(other.leases.tryAcquire(name, 'instance-b', 1000)).resolves.toBe(false);
        clock.advance(1);
        await expect(other.leases.tryAcquire(name, 'instance-b', 1000)).resolves.toBe(true);
        await expect(store.leases.renew(name, 'instance-a', 1000)).resolves.toBe(false);
        await expect(other.leases.get(name)).resolves.toMatchObject({
          holder: 'instance-b',
          expiresAt: clock.now() + 1000,
        });
      });

      it('renews and releases only for the holder', async () => {
        const name = `lease-${randomUUID()}`;
        await store.leases.tryAcquire(name, 'instance-a', 1000);
        clock.advance(800);
        await expect(store.leases.renew(name, 'instance-a', 1000)).resolves.toBe(true);
        clock.advance(800);
        await expect(other.leases.tryAcquire(name, 'instance-b', 1000)).resolves.toBe(false);
        await expect(other.leases.release(name, 'instance-b')).resolves.toBe(false);
        await expect(store.leases.release(name, 'instance-a')).resolves.toBe(true);
        await expect(other.leases.tryAcquire(name, 'instance-b', 1000)).resolves.toBe(true);
      });

      it('gives a free lease to exactly one of several concurrent takers', async () => {
        const name = `lease-${randomUUID()}`;
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? other : store).leases.tryAcquire(name, `instance-${i}`, 1000),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('idempotency keys', () => {
      it('lets exactly one of twenty concurrent claims of one key through', async () => {
        const key = `invoke-${randomUUID()}`;
        const claims = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : store).idempotency.claim(key, `holder-${i}`, 60_000),
          ),
        );
        expect(claims.filter((c) => c.claimed)).toHaveLength(1);
        expect(claims.filter((c) => !c.claimed)).toEqual(
          Array.from({ length: 19 }, () => ({ claimed: false, state: 'in-progress' })),
        );
      });

      it('answers later claims with the recorded result once completed', async () => {
        const key = `checkout-${randomUUID()}`;
        await expect(store.idempotency.claim(key, 'h1', 60_000)).resolves.toEqual({ claimed: true });
        await expect(store.idempotency.complete(key, { orderId: 'order-1' })).resolves.toBe(true);
        await expect(other.idempotency.claim(key, 'h2', 60_000)).resolves.toEqual({
          claimed: false,
          state: 'done',
          result: { orderId: 'order-1' },
        });
        await expect(store.idempotency.complete(`unknown-${randomUUID()}`, {})).resolves.toBe(false);
      });

      it('frees a claim whose holder went away after its TTL, or at once when abandoned', async () => {
        const expiring = `key-${randomUUID()}`;
        await store.idempotency.claim(expiring, 'h1', 1000);
        await expect(other.idempotency.claim(expiring, 'h2', 1000)).resolves.toEqual({
          claimed: false,
          state: 'in-progress',
        });
        clock.advance(1000);
        await expect(other.idempotency.claim(expiring, 'h2', 1000)).resolves.toEqual({ claimed: true });

        const abandoned = `key-${randomUUID()}`;
        await store.idempotency.claim(abandoned, 'h1', 60_000);
        await expect(store.idempotency.abandon(abandoned, 'h2')).resolves.toBe(false);
        await expect(store.idempotency.abandon(abandoned, 'h1')).resolves.toBe(true);
        await expect(other.idempotency.claim(abandoned, 'h2', 60_000)).resolves.toEqual({ claimed: true });
      });

      it('purges expired keys and keeps live ones', async () => {
        const live = `key-${randomUUID()}`;
        const done = `key-${randomUUID()}`;
        await store.idempotency.claim(done, 'h', 1000);
        await store.idempotency.complete(done, 'ok', { retainMs: 500 });
        clock.advance(600);
        await store.idempotency.claim(live, 'h', 60_000);
        await expect(store.idempotency.purgeExpired()).resolves.toBeGreaterThanOrEqual(1);
        await expect(store.idempotency.claim(done, 'h2', 1000)).resolves.toEqual({ claimed: true });
        await expect(store.idempotency.claim(live, 'h2', 1000)).resolves.toEqual({
          claimed: false,
          state: 'in-progress',
        });
      });
    });

    describe('alerts', () => {
      it('adds, replaces, lists and removes subscriptions', async () => {
        const conversationKey = `conv-${randomUUID()}`;
        const customerId = `cust-${randomUUID()}`;
        const sub = await store.alerts.add({
          conversationKey,
          customerId,
          thresholds: [80, 50, 80],
          createdBy: 'u1',
        });
        expect(sub).toMatchObject({ conversationKey, customerId, thresholds: [50, 80], createdBy: 'u1' });
        const replaced = await other.alerts.add({
          conversationKey,
          customerId,
          thresholds: [90],
          createdBy: 'u2',
        });
        expect(replaced).toMatchObject({ id: sub.id, thresholds: [90], createdBy: 'u2' });
        const all = await store.alerts.add({
          conversationKey,
          customerId: ALL_CUSTOMERS,
          thresholds: [100],
          createdBy: 'u1',
        });

        expect((await store.alerts.list({ conversationKey })).map((s) => s.id).sort()).toEqual(
          [sub.id, all.id].sort(),
        );
        const forCustomer = await store.alerts.list({ customerId });
        expect(forCustomer.map((s) => s.id)).toEqual(expect.arrayContaining([sub.id, all.id]));
        expect(forCustomer.every((s) => s.customerId === customerId || s.customerId === ALL_CUSTOMERS)).toBe(
          true,
        );

        await expect(store.alerts.remove(sub.id)).resolves.toBe(true);
        await expect(store.alerts.get(sub.id)).resolves.toBeUndefined();
        await expect(store.alerts.removeFor(conversationKey, ALL_CUSTOMERS)).resolves.toBe(true);
        await expect(store.alerts.list({ conversationKey })).resolves.toEqual([]);
      });

      it('raises each (conversation, customer, period, kind, threshold) alert once, with its post queued in the same write', async () => {
        const conversationKey = `conv-${randomUUID()}`;
        const customerId = `cust-${randomUUID()}`;
        const sub = await store.alerts.add({
          conversationKey,
          customerId: ALL_CUSTOMERS,
          thresholds: [50, 80],
          createdBy: 'u1',
        });
        const alert = {
          subscriptionId: sub.id,
          conversationKey,
          customerId,
          customerName: 'Contoso',
          periodKey: '2026-11',
          kind: 'threshold' as const,
          threshold: 80,
          figures: { totalCost: 812.5, budget: 1000 },
          state: 'pending' as const,
        };
        const post = (id: string) => ({
          id: `alert-post:${id}`,
          kind: 'alert-post',
          payload: { alertId: id },
          nextRunAt: clock.now(),
        });
        const concurrent = await Promise.all([
          store.alerts.raise(alert, post),
          other.alerts.raise(alert, post),
        ]);
        const raised = concurrent.filter((a) => a !== undefined);
        expect(raised).toHaveLength(1);
        const [first] = raised;
        expect(first).toMatchObject({
          customerName: 'Contoso',
          state: 'pending',
          figures: { totalCost: 812.5 },
        });
        const queued = await store.watches.get(`alert-post:${first?.id ?? ''}`);
        expect(queued?.payload).toEqual({ alertId: first?.id });
        await expect(store.alerts.raise(alert, post)).resolves.toBeUndefined();
        // Another subscription of the same conversation (turned off and on again) raises nothing new.
        await expect(
          store.alerts.raise({ ...alert, subscriptionId: 'another' }, post),
        ).resolves.toBeUndefined();
        await expect(store.alerts.raise({ ...alert, periodKey: '2026-12' }, post)).resolves.toBeDefined();
        await expect(
          store.alerts.raise({ ...alert, kind: 'forecast', threshold: 0 }, post),
        ).resolves.toBeDefined();
        const suppressed = await store.alerts.raise({ ...alert, threshold: 50, state: 'suppressed' }, post);
        expect(suppressed?.state).toBe('suppressed');
        await expect(store.watches.get(`alert-post:${suppressed?.id ?? ''}`)).resolves.toBeUndefined();

        const listed = await store.alerts.alerts({ customerId, periodKey: '2026-11' });
        expect(listed.map((a) => `${a.kind}:${a.threshold}`).sort()).toEqual([
          'forecast:0',
          'threshold:50',
          'threshold:80',
        ]);
      });

      it('posts, acknowledges once and snoozes per conversation, customer and period', async () => {
        const conversationKey = `conv-${randomUUID()}`;
        const raised = await store.alerts.raise(
          {
            subscriptionId: 's',
            conversationKey,
            customerId: 'cust-ack',
            customerName: 'Fabrikam',
            periodKey: '2026-11',
            kind: 'threshold',
            threshold: 100,
            figures: {},
            state: 'pending',
          },
          (id) => ({ id: `alert-post:${id}`, kind: 'alert-post', payload: {}, nextRunAt: clock.now() }),
        );
        const id = raised?.id ?? '';
        const thread = { conversationKey: `${conversationKey};messageid=1`, activityId: 'activity-1' };
        await expect(store.alerts.markPosted(id, thread)).resolves.toBe(true);
        await expect(other.alerts.markPosted(id, { ...thread, activityId: 'activity-2' })).resolves.toBe(
          false,
        );
        expect(await store.alerts.alert(id)).toMatchObject({ state: 'posted', posted: thread });

        const acks = await Promise.all([
          store.alerts.acknowledge(id, { id: 'u-adele', name: 'Adele' }),
          other.alerts.acknowledge(id, { id: 'u-megan', name: 'Megan' }),
        ]);
        expect(acks.filter((a) => a?.first)).toHaveLength(1);
        const kept = acks.find((a) => a?.first)?.alert.acknowledgedBy;
        expect(acks.every((a) => a?.alert.acknowledgedBy?.id === kept?.id)).toBe(true);
        await expect(store.alerts.acknowledge('missing', { id: 'u', name: 'U' })).resolves.toBeUndefined();

        const snooze = {
          conversationKey,
          customerId: 'cust-ack',
          periodKey: '2026-11',
          by: { id: 'u-adele', name: 'Adele' },
          at: clock.now(),
        };
        await expect(store.alerts.snooze(snooze)).resolves.toBe(true);
        await expect(other.alerts.snooze(snooze)).resolves.toBe(false);
        await expect(store.alerts.snoozed(conversationKey, 'cust-ack', '2026-11')).resolves.toMatchObject({
          by: { name: 'Adele' },
        });
        await expect(store.alerts.snoozed(conversationKey, 'cust-ack', '2026-12')).resolves.toBeUndefined();
      });

      it('pages the subscribed customers and tells when one conversation follows every customer', async () => {
        const conversationKey = `conv-${randomUUID()}`;
        const prefix = `page-${randomUUID().slice(0, 8)}`;
        for (const n of [3, 1, 2]) {
          await store.alerts.add({
            conversationKey,
            customerId: `${prefix}-${n}`,
            thresholds: [80],
            createdBy: 'u',
          });
        }
        const firstPage = (await store.alerts.subscribedCustomers(`${prefix}-0`, 2)).filter((c) =>
          c.startsWith(prefix),
        );
        expect(firstPage).toEqual([`${prefix}-1`, `${prefix}-2`]);
        const next = (await store.alerts.subscribedCustomers(`${prefix}-2`, 10)).filter((c) =>
          c.startsWith(prefix),
        );
        expect(next).toEqual([`${prefix}-3`]);
        for (const sub of await store.alerts.list({ conversationKey })) await store.alerts.remove(sub.id);
      });

      it('keeps the latest spend figure of each customer and day', async () => {
        const customerId = `spend-${randomUUID()}`;
        const base = { customerId, periodKey: '2026-11', currency: 'EUR' };
        await store.spend.record({ ...base, day: '2026-11-02', totalCost: 20, recordedAt: 2_000 });
        await store.spend.record({
          ...base,
          day: '2026-11-01',
          totalCost: 10,
          budget: 100,
          recordedAt: 1_000,
        });
        await other.spend.record({ ...base, day: '2026-11-02', totalCost: 25, recordedAt: 3_000 });
        // A slower reading of the same day does not replace a newer one.
        await store.spend.record({ ...base, day: '2026-11-02', totalCost: 21, recordedAt: 2_500 });
        const period = await store.spend.period(customerId, '2026-11');
        expect(period.map((s) => [s.day, s.totalCost, s.budget])).toEqual([
          ['2026-11-01', 10, 100],
          ['2026-11-02', 25, undefined],
        ]);
      });
    });

    describe('watches', () => {
      beforeEach(async () => {
        for (const watch of await store.watches.list()) await store.watches.delete(watch.id);
      });

      it('claims due watches for one holder only until the claim lapses', async () => {
        const now = clock.now();
        await store.watches.upsert({
          id: 'order-1',
          kind: 'order',
          requestId: 'r1',
          payload: { orderId: 'o1' },
          nextRunAt: now,
        });
        await store.watches.upsert({
          id: 'order-2',
          kind: 'order',
          payload: { orderId: 'o2' },
          nextRunAt: now + 60_000,
        });

        const claimed = await store.watches.due(now, 10, 'instance-a', 30_000);
        expect(claimed.map((w) => w.id)).toEqual(['order-1']);
        expect(claimed[0]).toMatchObject({
          attempts: 1,
          leaseHolder: 'instance-a',
          payload: { orderId: 'o1' },
        });
        await expect(other.watches.due(now, 10, 'instance-b', 30_000)).resolves.toEqual([]);

        clock.advance(30_000);
        const retaken = await other.watches.due(clock.now(), 10, 'instance-b', 30_000);
        expect(retaken).toEqual([
          expect.objectContaining({ id: 'order-1', attempts: 2, leaseHolder: 'instance-b' }),
        ]);
        await expect(store.watches.reschedule('order-1', 'instance-a', clock.now())).resolves.toBe(false);
        await expect(store.watches.complete('order-1', 'instance-a')).resolves.toBe(false);
      });

      it('claims only the kind a watcher asks for', async () => {
        const now = clock.now();
        await store.watches.upsert({ id: 'kind-order', kind: 'order', payload: {}, nextRunAt: now });
        await store.watches.upsert({ id: 'kind-upgrade', kind: 'upgrade', payload: {}, nextRunAt: now });
        const orders = await store.watches.due(now, 10, 'instance-a', 30_000, 'order');
        expect(orders.map((w) => w.id)).toEqual(['kind-order']);
        const upgrade = await store.watches.get('kind-upgrade');
        expect(upgrade).toMatchObject({ attempts: 0 });
        expect(upgrade?.leaseHolder).toBeUndefined();
      });

      it('hands each watch to only one of two instances claiming at once', async () => {
        const now = clock.now();
        for (let i = 0; i < 12; i++) {
          await store.watches.upsert({
            id: `w-${String(i).padStart(2, '0')}`,
            kind: 'upgrade',
            payload: { i },
            nextRunAt: now - i,
          });
        }
        const [a, b] = await Promise.all([
          store.watches.due(now, 8, 'instance-a', 30_000),
          other.watches.due(now, 8, 'instance-b', 30_000),
        ]);
        const ids = [...a, ...b].map((w) => w.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(a.every((w) => w.leaseHolder === 'instance-a')).toBe(true);
        expect(b.every((w) => w.leaseHolder === 'instance-b')).toBe(true);
        const held = (await store.watches.list()).filter((w) => w.leaseHolder !== undefined);
        expect(held.map((w) => w.id).sort()).toEqual([...ids].sort());
      });

      it('reschedules and completes watches for their holder', async () => {
        const now = clock.now();
        await store.watches.upsert({ id: 'order-9', kind: 'order', payload: { polls: 0 }, nextRunAt: now });
        await store.watches.due(now, 1, 'instance-a', 30_000);
        await expect(other.watches.reschedule('order-9', 'instance-b', now + 5000)).resolves.toBe(false);
        await expect(
          store.watches.reschedule('order-9', 'instance-a', now + 5000, { polls: 1 }),
        ).resolves.toBe(true);
        await expect(store.watches.get('order-9')).resolves.toMatchObject({
          nextRunAt: now + 5000,
          payload: { polls: 1 },
          leaseHolder: undefined,
        });
        await expect(other.watches.due(now + 4999, 10, 'instance-b', 30_000)).resolves.toEqual([]);
        const [again] = await other.watches.due(now + 5000, 10, 'instance-b', 30_000);
        expect(again.id).toBe('order-9');
        await expect(other.watches.complete('order-9', 'instance-b')).resolves.toBe(true);
        await expect(store.watches.get('order-9')).resolves.toBeUndefined();
      });

      it('filters the list by kind and request', async () => {
        const now = clock.now();
        await store.watches.upsert({
          id: 'u-1',
          kind: 'upgrade',
          requestId: 'req-1',
          payload: {},
          nextRunAt: now,
        });
        await store.watches.upsert({
          id: 'o-1',
          kind: 'order',
          requestId: 'req-2',
          payload: {},
          nextRunAt: now,
        });
        expect((await store.watches.list({ kind: 'upgrade' })).map((w) => w.id)).toEqual(['u-1']);
        expect((await store.watches.list({ requestId: 'req-2' })).map((w) => w.id)).toEqual(['o-1']);
      });

      it('lists at most `limit` items, soonest first', async () => {
        const now = clock.now();
        for (const [id, at] of [
          ['c-2', now + 2],
          ['c-0', now],
          ['c-1', now + 1],
        ] as const) {
          await store.watches.upsert({ id, kind: 'budget-check', payload: {}, nextRunAt: at });
        }
        expect((await store.watches.list({ kind: 'budget-check', limit: 2 })).map((w) => w.id)).toEqual([
          'c-0',
          'c-1',
        ]);
        expect(await store.watches.list({ kind: 'budget-check', limit: 0 })).toEqual([]);
      });
    });

    describe('key-value', () => {
      it('sets, reads, expires and deletes values', async () => {
        const key = `msal-cache-${randomUUID()}`;
        await expect(store.kv.get(key)).resolves.toBeUndefined();
        await store.kv.set(key, 'serialized-cache');
        await store.kv.set(key, 'serialized-cache-2');
        await expect(other.kv.get(key)).resolves.toBe('serialized-cache-2');
        await store.kv.set(key, 'short-lived', { ttlMs: 100 });
        clock.advance(100);
        await expect(store.kv.get(key)).resolves.toBeUndefined();
        await store.kv.set(key, 'again');
        await expect(store.kv.delete(key)).resolves.toBe(true);
        await expect(store.kv.get(key)).resolves.toBeUndefined();
      });

      it('parses JSON values with a schema and raises a typed error on mismatch', async () => {
        const key = `catalog-${randomUUID()}`;
        const schema = z.object({ country: z.string(), products: z.array(z.string()) });
        await store.kv.setJson(key, { country: 'FR', products: ['DZH318Z0BPS6'] });
        await expect(store.kv.getJson(key, schema)).resolves.toEqual({
          country: 'FR',
          products: ['DZH318Z0BPS6'],
        });
        await store.kv.setJson(key, { country: 'FR' });
        await expect(store.kv.getJson(key, schema)).rejects.toBeInstanceOf(StoreDataError);
      });
    });
  });
}
