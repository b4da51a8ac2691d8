import { collection, link } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef, RouteRequest, SimContext } from '../http/pipeline';
import { PcError, invalidInput } from '../state/errors';
import type { InvoiceLine, InvoiceRecord } from '../state/invoices';
import { invoiceLineView, invoiceView } from '../views/invoice';
import { param, searchFilterOf, seekCollection } from './helpers';

/** `filter={"Field":"InvoiceDate","Value":"2024-01-01","Operator":"greater_than_or_equals"}` (SDK shape). */
function invoiceFilter(raw: string | undefined): (i: InvoiceRecord) => boolean {
  const filter = searchFilterOf(raw);
  if (!filter) return () => true;
  if (filter.field.toLowerCase() !== 'invoicedate')
    throw invalidInput('Only the InvoiceDate field can filter invoices.');
  const value = Date.parse(filter.value);
  if (Number.isNaN(value)) throw invalidInput('The InvoiceDate filter value must be a date.');
  const compare: Record<string, (a: number) => boolean> = {
    equals: (a) => a === value,
    not_equals: (a) => a !== value,
    greater_than: (a) => a > value,
    greater_than_or_equals: (a) => a >= value,
    less_than: (a) => a < value,
    less_than_or_equals: (a) => a <= value,
  };
  const op = compare[filter.operator.toLowerCase()];
  if (!op) throw invalidInput(`Operator ${filter.operator} is not supported for invoices.`);
  return (i) => op(i.invoiceDate);
}

function invoiceOf(req: RouteRequest, sim: SimContext): InvoiceRecord {
  const invoice = sim.world.invoices.find(param(req, 'invoiceId'));
  if (!invoice) throw new PcError(404, '1000', `Invoice ${param(req, 'invoiceId')} not found`);
  return invoice;
}

/** Only new-commerce OneTime billing line items are modelled (provider=onetime, billinglineitems). */
function checkLineItemKind(provider: string | undefined, type: string | undefined): void {
  const p = (provider ?? '').replace(/[_\s]/g, '').toLowerCase();
  const t = (type ?? '').replace(/[_\s]/g, '').toLowerCase();
  if (p !== 'onetime') throw invalidInput('The simulator serves provider=onetime line items only.');
  if (t !== 'billinglineitems') {
    throw invalidInput(
      'The simulator serves invoicelineitemtype=billinglineitems only (daily rated usage v1 is deprecated).',
    );
  }
}

function lineItemPage(req: RouteRequest, kind: string, lines: InvoiceLine[], selfPath: string) {
  return seekCollection(req, lines, invoiceLineView, {
    kind,
    size: req.query.int('size', 2000, 1, 2000),
    selfPath,
  });
}

export const invoiceRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/invoices',
    auth: 'app',
    family: 'invoices',
    handle(req, sim) {
      const keep = invoiceFilter(req.query.get('filter'));
      const all = sim.world.invoices.invoices.filter(keep).sort((a, b) => b.invoiceDate - a.invoiceDate);
      const size = req.query.int('size', 200, 1, 200);
      const offset = req.query.int('offset', 0, 0, Number.MAX_SAFE_INTEGER);
      const page = all.slice(offset, offset + size);
      const more = offset + page.length < all.length;
      return ok(
        collection(
          page.map((i) => invoiceView(i, false)),
          `/invoices?size=${size}&offset=${offset}`,
          more ? { next: link(`/invoices?size=${size}&offset=${offset + size}`) } : {},
        ),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/invoices/unbilled/lineitems',
    auth: 'app',
    family: 'invoices',
    handle(req, sim) {
      checkLineItemKind(req.query.get('provider'), req.query.get('invoicelineitemtype'));
      const currency = req.query.get('currencycode')?.toUpperCase();
      if (!currency) throw invalidInput('The currencycode parameter is required.');
      const period = (req.query.get('period') ?? 'current').toLowerCase();
      if (period !== 'current' && period !== 'previous')
        throw invalidInput('period must be current or previous.');
      const source =
        period === 'current' ? sim.world.invoices.unbilledCurrent : sim.world.invoices.unbilledPrevious;
      const lines = source.filter((l) => l.currency === currency);
      return ok(lineItemPage(req, `unbilled:${period}:${currency}`, lines, '/invoices/unbilled/lineitems'));
    },
  },
  {
    method: 'GET',
    path: '/v1/invoices/:invoiceId',
    auth: 'user',
    family: 'invoices',
    handle(req, sim) {
      return ok(invoiceView(invoiceOf(req, sim), true));
    },
  },
  {
    method: 'GET',
    path: '/v1/invoices/:invoiceId/lineitems',
    auth: 'app',
    family: 'invoices',
    handle(req, sim) {
      const invoice = invoiceOf(req, sim);
      checkLineItemKind(req.query.get('provider'), req.query.get('invoicelineitemtype'));
      return ok(
        lineItemPage(req, `invoice:${invoice.id}`, invoice.lines, `/invoices/${invoice.id}/lineitems`),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/invoices/:invoiceId/lineitems/:provider/:lineItemType',
    auth: 'app',
    family: 'invoices',
    handle(req, sim) {
      const invoice = invoiceOf(req, sim);
      checkLineItemKind(param(req, 'provider'), param(req, 'lineItemType'));
      const self = `/invoices/${invoice.id}/lineitems/${param(req, 'provider')}/${param(req, 'lineItemType')}`;
      return ok(lineItemPage(req, `invoice:${invoice.id}`, invoice.lines, self));
    },
  },
];
