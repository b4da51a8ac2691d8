import { z } from 'zod';
import { collection, seekPage } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef } from '../http/pipeline';
import { PcError, invalidInput } from '../state/errors';
import type { DirectoryEntry } from '../state/customers';
import { customerView } from '../views/customer';
import { customerOf } from './helpers';

const filterSchema = z.object({ field: z.string(), value: z.string(), operator: z.string() });

/**
 * The documented customer filter: `{"Field":"CompanyName"|"Domain","Value":"cont","Operator":"starts_with"}`,
 * case-insensitive; starts_with is the only operator the customers endpoint supports.
 */
function customerFilter(raw: string | undefined): ((p: DirectoryEntry) => boolean) | undefined {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidInput('The filter must be a JSON object {"Field","Value","Operator"}.');
  }
  const lowered =
    typeof parsed === 'object' && parsed !== null
      ? Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v]))
      : parsed;
  const result = filterSchema.safeParse(lowered);
  if (!result.success) throw invalidInput('The filter must be a JSON object {"Field","Value","Operator"}.');
  const { field, value, operator } = result.data;
  if (operator.toLowerCase() !== 'starts_with') {
    throw invalidInput(`Operator ${operator} is not supported for customers; use starts_with.`);
  }
  const prefix = value.toLowerCase();
  switch (field.toLowerCase()) {
    case 'companyname':
      return (p) => p.companyName.toLowerCase().startsWith(prefix);
    case 'domain':
      return (p) => p.domain.toLowerCase().startsWith(prefix);
    case 'indirectreseller':
    case 'indirectcloudsolutionprovider':
      return () => false;
    default:
      throw invalidInput(`Unknown customer search field ${field}.`);
  }
}

export const customerRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/customers',
    auth: 'app',
    family: 'customers',
    handle(req, sim) {
      const filter = customerFilter(req.query.get('filter'));
      const size = req.query.int('size', 100, 0, 500) || 100;
      const seek = req.query.get('seekOperation')?.toLowerCase() === 'next';
      const token = req.header('ms-continuationtoken');
      if (seek && !token) throw invalidInput('seekOperation=Next needs the MS-ContinuationToken header.');
      const all = sim.world.customers.entries();
      const matching = filter ? all.filter(filter) : all;
      const page = seekPage(matching, {
        kind: 'customers',
        size,
        token: seek ? token : undefined,
        selfUri: `/customers${req.query.without('seekOperation')}`,
        seekParameter: 'seekOperation',
      });
      return ok(
        collection(
          page.items.map((e) => customerView(sim.world.customers.profileOf(e))),
          `/customers${req.query.without('seekOperation')}`,
          {
            continuationToken: page.continuationToken,
            next: page.next,
          },
        ),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId',
    auth: 'app',
    family: 'customers',
    handle(req, sim) {
      try {
        return ok(customerView(customerOf(req, sim).profile));
      } catch (error) {
        if (error instanceof PcError && error.code === '20002')
          throw new PcError(404, '60003', 'Tenant not found');
        throw error;
      }
    },
  },
];
