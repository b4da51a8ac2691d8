import { collection, link } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef, RouteRequest, SimContext } from '../http/pipeline';
import { PcError, invalidInput } from '../state/errors';
import type { InvoiceKind, InvoiceLine, InvoicePagingFault, InvoiceRecord } from '../state/invoices';
import { invoiceLineView, invoiceView, licenseLineView } from '../views/invoice';
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

const squash = (value: string | undefined) => (value ?? '').replace(/[_\s]/g, '').toLowerCase();

/** The billing provider whose line items each kind of invoice has (query value, squashed). */
const PROVIDER_OF: Record<InvoiceKind, string> = { newCommerce: 'onetime', legacy: 'office' };

/**
 * Billing line items only (daily rated usage v1 is deprecated), of the provider the invoice has:
 * onetime for new-commerce invoices and the unbilled ones, office for the legacy invoice.
 */
function checkLineItemKind(kind: InvoiceKind, provider: string | undefined, type: string | undefined): void {
  const expected = PROVIDER_OF[kind];
  if (squash(provider) !== expected) {
    throw invalidInput(
      kind === 'legacy'
        ? 'This legacy invoice has provider=office line items only.'
        : 'The simulator serves provider=onetime line items only for new-commerce and unbilled invoices.',
    );
  }
  if (squash(type) !== 'billinglineitems') {
    throw invalidInput(
      'The simulator serves invoicelineitemtype=billinglineitems only (daily rated usage v1 is deprecated).',
    );
  }
}

/** The next link a paging fault puts on every page instead of the right one. */
function brokenNext(fault: InvoicePagingFault, uri: (at: number) => string, offset: number, size: number) {
  switch (fault) {
    case 'foreignNextLink':
      return link(`https://partner-center.example.net/v1${uri(offset + size)}`);
    case 'unparsableNextLink':
      return link(`${uri(offset + size)}&seekOperation=%E0%A4%A`);
    case 'repeatedNextLink':
      return link(uri(offset));
    case 'repeatedContinuationToken':
      return link(uri(offset + size), 'GET', [{ key: 'MS-ContinuationToken', value: 'c2FtZS10b2tlbg==' }]);
  }
}

/** Legacy line items page by size and offset (PC/get-invoiceline-items), not by seek token. */
function offsetPage(
  req: RouteRequest,
  lines: InvoiceLine[],
  selfPath: string,
  fault: InvoicePagingFault | undefined,
) {
  const size = req.query.int('size', 200, 1, 2000);
  const offset = req.query.int('offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const page = lines.slice(offset, offset + size);
  const rest = req.query.without('size', 'offset');
  const uri = (at: number) => `${selfPath}${rest}${rest ? '&' : '?'}size=${size}&offset=${at}`;
  const next = fault
    ? brokenNext(fault, uri, offset, size)
    : offset + page.length < lines.length
      ? link(uri(offset + size))
      : undefined;
  return collection(page.map(licenseLineView), uri(offset), next ? { next } : {});
}

/** An invoice's billing line items in the paging its kind uses. */
function invoiceLines(req: RouteRequest, sim: SimContext, invoice: InvoiceRecord, selfPath: string) {
  const fault = sim.world.invoices.pagingFaults.get(invoice.id.toLowerCase());
  return invoice.kind === 'legacy'
    ? offsetPage(req, invoice.lines, selfPath, fault)
    : lineItemPage(req, `invoice:${invoice.id}`, invoice.lines, selfPath);
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
      checkLineItemKind('newCommerce', req.query.get('provider'), req.query.get('invoicelineitemtype'));
      const currency = req.query.get('currencycode')?.toUpperCase();
      if (!currency) throw invalidInput('The currencycode parameter is required.');
      const period = (req.query.get('period') ?? 'current').toLowerCase();
      if (period !== 'current' && period !== 'previous')
        throw invalidInput('period must be current or previous.');
      const lines = sim.world.invoices.unbilledLines(period, currency);
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
      checkLineItemKind(invoice.kind, req.query.get('provider'), req.query.get('invoicelineitemtype'));
      return ok(invoiceLines(req, sim, invoice, `/invoices/${invoice.id}/lineitems`));
    },
  },
  {
    method: 'GET',
    path: '/v1/invoices/:invoiceId/lineitems/:provider/:lineItemType',
    auth: 'app',
    family: 'invoices',
    handle(req, sim) {
      const invoice = invoiceOf(req, sim);
      checkLineItemKind(invoice.kind, param(req, 'provider'), param(req, 'lineItemType'));
      const self = `/invoices/${invoice.id}/lineitems/${param(req, 'provider')}/${param(req, 'lineItemType')}`;
      return ok(invoiceLines(req, sim, invoice, self));
    },
  },
];
