import { TokenService } from '../../../src/simulator/identity/tokens';
import { resolveCatalogItem } from '../../../src/simulator/state/catalog';
import { seededRandom, stableGuid } from '../../../src/simulator/state/ids';
import { splitCents } from '../../../src/simulator/state/money';
import { Scheduler } from '../../../src/simulator/state/scheduler';

describe('deterministic ids', () => {
  it('give the same GUID for the same seed and a GUID-shaped value', () => {
    expect(stableGuid('a')).toBe(stableGuid('a'));
    expect(stableGuid('a')).not.toBe(stableGuid('b'));
    expect(stableGuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('repeat the same pseudo-random sequence for a seed', () => {
    const a = seededRandom('x');
    const b = seededRandom('x');
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('splitCents', () => {
  it('splits a total into parts that add up to it exactly', () => {
    const parts = splitCents(85_000, [3, 1, 7, 2]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(85_000);
    expect(splitCents(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });
});

describe('scheduler', () => {
  it('runs due tasks in due order, including tasks scheduled while running', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.at(20, () => ran.push('b'));
    s.at(10, () => {
      ran.push('a');
      s.at(15, () => ran.push('a2'));
    });
    s.at(30, () => ran.push('c'));
    s.runDue(25);
    expect(ran).toEqual(['a', 'a2', 'b']);
    expect(s.pending).toBe(1);
  });
});

describe('catalog item resolution', () => {
  it('tells a current availability from a retired one and from an invalid id', () => {
    expect(resolveCatalogItem('DZH318Z0BPS6:0001:DZH318Z0BML6').kind).toBe('ok');
    expect(resolveCatalogItem('dzh318z0bps6:0001:dzh318z0bml5').kind).toBe('staleAvailability');
    expect(resolveCatalogItem('DZH318Z0BPS6:9999:DZH318Z0BML6').kind).toBe('invalid');
    expect(resolveCatalogItem('garbage').kind).toBe('invalid');
    expect(resolveCatalogItem('MS-AZR-0145P').kind).toBe('ok');
  });
});

describe('token service', () => {
  it('verifies its own tokens and rejects tokens of another instance', () => {
    const a = new TokenService('rt');
    const b = new TokenService('rt');
    const token = a.issueApp('tenant', 'client').access_token;
    expect(a.verify(token)).toMatchObject({ idtyp: 'app', tid: 'tenant', appid: 'client' });
    expect(b.verify(token)).toBeUndefined();
    expect(a.verify('not.a.jwt')).toBeUndefined();
  });

  it('accepts the configured refresh token and the ones it issued', () => {
    const s = new TokenService('configured');
    const issued = s.issueUser('tenant', 'client').refresh_token;
    expect(s.isKnownRefreshToken('configured')).toBe(true);
    expect(s.isKnownRefreshToken(issued)).toBe(true);
    expect(s.isKnownRefreshToken('other')).toBe(false);
  });

  it('rejects an expired token', () => {
    const s = new TokenService('rt');
    const token = s.issueApp('tenant', 'client').access_token;
    const later = Date.now() + 3600 * 1000;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(s.verify(token)).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });
});
