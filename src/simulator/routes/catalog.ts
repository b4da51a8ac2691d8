import { collection } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef, RouteRequest, SimContext } from '../http/pipeline';
import {
  KNOWN_TARGET_VIEWS,
  findAvailability,
  findProduct,
  findSku,
  isCountry,
  productsForView,
  type CatalogProduct,
  type CatalogSku,
  type Segment,
} from '../state/catalog';
import { PcError, invalidInput } from '../state/errors';
import type { Country } from '../state/types';
import { availabilityView, productView, skuView } from '../views/catalog';
import { customerOf, param } from './helpers';

/** Catalog reads, global (`?country=`) and customer-scoped (the customer's country). */

const SEGMENTS: Segment[] = ['commercial', 'education', 'government', 'nonprofit'];

function globalCountry(req: RouteRequest): Country {
  const country = req.query.get('country');
  if (!country) throw invalidInput('The country parameter is required.');
  if (!isCountry(country)) {
    throw new PcError(400, '800070', `Offer isn't available in the specified country/region ${country}.`);
  }
  return country.toUpperCase() as Country;
}

type Scope = (req: RouteRequest, sim: SimContext) => { country: Country; base: string };

const globalScope: Scope = (req) => ({ country: globalCountry(req), base: '' });
const customerScope: Scope = (req, sim) => {
  const customer = customerOf(req, sim);
  return { country: customer.profile.country, base: `/customers/${customer.profile.id}` };
};

function product(req: RouteRequest): CatalogProduct {
  const found = findProduct(param(req, 'productId'));
  if (!found) throw new PcError(404, '400013', "Product wasn't found");
  return found;
}

function sku(req: RouteRequest, p: CatalogProduct): CatalogSku {
  const found = findSku(p, param(req, 'skuId'));
  if (!found) throw new PcError(404, '400018', "SKU wasn't found");
  return found;
}

function segmentFilter(req: RouteRequest): (s: Segment) => boolean {
  const wanted = req.query.get('targetSegment')?.toLowerCase();
  if (!wanted) return (s) => s !== 'nonprofit';
  if (!SEGMENTS.includes(wanted as Segment)) {
    throw new PcError(403, '400030', `The targetSegment ${wanted} is not allowed.`);
  }
  return (s) => s === wanted;
}

function routesFor(prefix: string, scope: Scope): RouteDef[] {
  const base = { auth: 'app' as const, family: 'catalog' as const, method: 'GET' as const };
  return [
    {
      ...base,
      path: `${prefix}/products`,
      handle(req, sim) {
        const { country, base: self } = scope(req, sim);
        const view = req.query.get('targetView');
        if (!view) throw invalidInput('The targetView parameter is required.');
        if (!KNOWN_TARGET_VIEWS.some((v) => v.toLowerCase() === view.toLowerCase())) {
          throw new PcError(403, '400036', `The targetView ${view} is not allowed.`);
        }
        const items = productsForView(view).map((p) => productView(p, country));
        return ok(collection(items, `${self}/products${req.query.without()}`));
      },
    },
    {
      ...base,
      path: `${prefix}/products/:productId`,
      handle(req, sim) {
        const { country } = scope(req, sim);
        return ok(productView(product(req), country));
      },
    },
    {
      ...base,
      path: `${prefix}/products/:productId/skus`,
      handle(req, sim) {
        const { country, base: self } = scope(req, sim);
        const p = product(req);
        const keep = segmentFilter(req);
        const items = p.skus
          .filter((s) => s.availabilities.some((a) => keep(a.segment)))
          .map((s) => skuView(p, s, country));
        return ok(collection(items, `${self}/products/${p.id}/skus${req.query.without()}`));
      },
    },
    {
      ...base,
      path: `${prefix}/products/:productId/skus/:skuId`,
      handle(req, sim) {
        const { country } = scope(req, sim);
        const p = product(req);
        return ok(skuView(p, sku(req, p), country));
      },
    },
    {
      ...base,
      path: `${prefix}/products/:productId/skus/:skuId/availabilities`,
      handle(req, sim) {
        const { country, base: self } = scope(req, sim);
        const p = product(req);
        const s = sku(req, p);
        const keep = segmentFilter(req);
        const items = s.availabilities
          .filter((a) => keep(a.segment))
          .map((a) => availabilityView(p, s, a, country));
        return ok(
          collection(items, `${self}/products/${p.id}/skus/${s.id}/availabilities${req.query.without()}`),
        );
      },
    },
    {
      ...base,
      path: `${prefix}/products/:productId/skus/:skuId/availabilities/:availabilityId`,
      handle(req, sim) {
        const { country } = scope(req, sim);
        const p = product(req);
        const s = sku(req, p);
        const a = findAvailability(s, param(req, 'availabilityId'));
        if (!a) throw new PcError(404, '400019', 'Availability not found.');
        return ok(availabilityView(p, s, a, country));
      },
    },
  ];
}

export const catalogRoutes: RouteDef[] = [
  ...routesFor('/v1', globalScope),
  ...routesFor('/v1/customers/:customerId', customerScope),
];
