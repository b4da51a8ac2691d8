import { RecentCustomers } from '../../../src/workflows/recentCustomers';

const customer = (n: number) => ({ id: `ID-${n}`, companyName: `Customer ${n}`, domain: `c${n}.example` });

describe('customers found in the last minutes', () => {
  it('answers by name and by id (any case) until the entry is older than freshForMs', () => {
    let now = 0;
    const recent = new RecentCustomers({ freshForMs: 1_000, now: () => now });
    recent.rememberName('customer 1', customer(1));
    expect(recent.named('customer 1')).toEqual(customer(1));
    expect(recent.withId('id-1')).toEqual(customer(1));
    now = 1_000;
    expect(recent.named('customer 1')).toEqual(customer(1));
    now = 1_001;
    expect(recent.named('customer 1')).toBeUndefined();
    expect(recent.withId('ID-1')).toBeUndefined();
  });

  it('keeps at most maxCustomers, dropping the least recently found', () => {
    const recent = new RecentCustomers({ maxCustomers: 2 });
    recent.rememberId('a', customer(1));
    recent.rememberId('b', customer(2));
    recent.rememberId('a', customer(1));
    recent.rememberId('c', customer(3));
    expect(recent.withId('b')).toBeUndefined();
    expect(recent.withId('a')).toEqual(customer(1));
    expect(recent.withId('c')).toEqual(customer(3));
  });
});
