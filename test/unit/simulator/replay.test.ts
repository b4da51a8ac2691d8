import { ReplayCache, type ReplayKey } from '../../../src/simulator/http/replay';
import type { Reply } from '../../../src/simulator/http/reply';

const key = (overrides: Partial<ReplayKey> = {}): ReplayKey => ({
  tenantId: 'tenant-a',
  method: 'POST',
  path: '/v1/customers/c/carts',
  requestId: 'r-1',
  ...overrides,
});

function counter(reply: Reply) {
  let calls = 0;
  const act = async () => {
    calls += 1;
    return reply;
  };
  return { act, calls: () => calls };
}

describe('ReplayCache (MS-RequestId)', () => {
  it('acts once per key and returns a copy of the first answer to repeats', async () => {
    const cache = new ReplayCache();
    const created = counter({ status: 201, body: { id: 'cart-1' }, headers: { Location: 'x' } });
    const first = await cache.run(key(), created.act);
    const again = await cache.run(key({ method: 'post', path: '/V1/customers/c/carts' }), created.act);
    expect(created.calls()).toBe(1);
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ reply: first.reply, replayed: true });
    expect(again.reply).not.toBe(first.reply);
  });

  it('acts again for another tenant, path or request id', async () => {
    const cache = new ReplayCache();
    const created = counter({ status: 201, body: {} });
    await cache.run(key(), created.act);
    await cache.run(key({ tenantId: 'tenant-b' }), created.act);
    await cache.run(key({ path: '/v1/customers/d/carts' }), created.act);
    await cache.run(key({ requestId: 'r-2' }), created.act);
    expect(created.calls()).toBe(4);
  });

  it('keeps no error answer', async () => {
    const cache = new ReplayCache();
    const refused = counter({ status: 409, body: { code: '800064' } });
    await cache.run(key(), refused.act);
    const second = await cache.run(key(), refused.act);
    expect(refused.calls()).toBe(2);
    expect(second.replayed).toBe(false);
  });

  it('makes a repeat that arrives while the first call runs wait for its answer', async () => {
    const cache = new ReplayCache();
    let release: (reply: Reply) => void = () => undefined;
    let calls = 0;
    const slow = () => {
      calls += 1;
      return new Promise<Reply>((resolve) => {
        release = resolve;
      });
    };
    const first = cache.run(key(), slow);
    const repeat = cache.run(key(), slow);
    release({ status: 200, body: { done: true } });
    expect((await first).reply.body).toEqual({ done: true });
    expect(await repeat).toEqual({ reply: { status: 200, body: { done: true } }, replayed: true });
    expect(calls).toBe(1);
  });

  it('forgets the oldest answers beyond its capacity, and everything on clear', async () => {
    const cache = new ReplayCache(2);
    const created = counter({ status: 201, body: {} });
    for (const id of ['a', 'b', 'c']) await cache.run(key({ requestId: id }), created.act);
    expect(cache.size).toBe(2);
    await cache.run(key({ requestId: 'a' }), created.act);
    expect(created.calls()).toBe(4);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
