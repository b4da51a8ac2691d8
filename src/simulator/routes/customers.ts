import { ok } from '../http/reply';
import type { RouteDef } from '../http/pipeline';
import { PcError, invalidInput } from '../state/errors';
import type { DirectoryEntry } from '../state/customers';
import { customerView } from '../views/customer';
import { customerOf, searchFilterOf, seekCollection } from './helpers';

/**
 * The documented customer filter: `{"Field":"CompanyName"|"Domain","Value":"cont","Operator":"starts_with"}`,
 * case-insensitive; starts_with is the only operator the customers endpoint supports.
 */
function customerFilter(raw: string | undefined): ((p: DirectoryEntry) => boolean) | undefined {
  const filter = searchFilterOf(raw);
  if (!filter) return undefined;
  const { field, value, operator } = filter;
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
      const all = sim.world.customers.entries();
      return ok(
        seekCollection(
          req,
          filter ? all.filter(filter) : all,
          (e) => customerView(sim.world.customers.profileOf(e)),
          {
            kind: 'customers',
            size,
            selfPath: '/customers',
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
