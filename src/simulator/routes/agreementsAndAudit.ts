import { z } from 'zod';
import { collection } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef, RouteRequest, SimContext } from '../http/pipeline';
import { AGREEMENT_TEMPLATES, agreementTypesFor, templateFor } from '../state/agreements';
import type { AuditRecordEntry } from '../state/audit';
import { DAY_MS, startOfUtcDay } from '../state/clock';
import { invalidInput } from '../state/errors';
import type { AgreementRecord } from '../state/types';
import { agreementTemplateView, agreementView, auditRecordView } from '../views/misc';
import { bodyOf, customerOf, searchFilterOf, seekCollection } from './helpers';

const agreementSchema = z
  .object({
    primaryContact: z
      .object({
        firstName: z.string().min(1),
        lastName: z.string().min(1),
        email: z.string().email(),
        phoneNumber: z.string().optional(),
      })
      .passthrough(),
    templateId: z.string().min(1),
    dateAgreed: z.string().min(1),
    type: z.string().min(1),
  })
  .passthrough();

function typesOf(req: RouteRequest) {
  const types = agreementTypesFor(req.query.get('agreementType'));
  if (types === 'unknown')
    throw invalidInput(`Unknown agreementType ${req.query.get('agreementType') ?? ''}.`);
  return types;
}

export const agreementRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/agreements',
    auth: 'user',
    family: 'agreements',
    handle(req) {
      const types = typesOf(req);
      const items = AGREEMENT_TEMPLATES.filter((t) => types.includes(t.agreementType)).map(
        agreementTemplateView,
      );
      return ok(collection(items, `/agreements${req.query.without()}`));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/agreements',
    auth: 'user',
    family: 'agreements',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const types = typesOf(req);
      const items = customer.agreements
        .filter((a) => types.includes(a.type))
        .map((a) => agreementView(a, templateFor(a.type)?.agreementLink ?? ''));
      return ok(collection(items, `/customers/${customer.profile.id}/agreements${req.query.without()}`));
    },
  },
  {
    method: 'POST',
    path: '/v1/customers/:customerId/agreements',
    auth: 'user',
    family: 'agreements',
    replay: true,
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const body = bodyOf(req, agreementSchema);
      const template = templateFor(body.type);
      if (!template) throw invalidInput(`Unknown agreement type ${body.type}.`);
      if (template.templateId.toLowerCase() !== body.templateId.toLowerCase()) {
        throw invalidInput(
          `The templateId ${body.templateId} is not the current ${template.agreementType} template.`,
        );
      }
      const agreed = Date.parse(body.dateAgreed);
      if (Number.isNaN(agreed)) throw invalidInput('dateAgreed must be a UTC date-time.');
      if (agreed > sim.world.now() + DAY_MS) throw invalidInput('dateAgreed cannot be in the future.');
      const record: AgreementRecord = {
        type: template.agreementType,
        templateId: template.templateId,
        dateAgreed: body.dateAgreed,
        primaryContact: {
          firstName: body.primaryContact.firstName,
          lastName: body.primaryContact.lastName,
          email: body.primaryContact.email,
          phoneNumber: body.primaryContact.phoneNumber ?? '',
        },
        userId: req.actor.userId,
      };
      customer.agreements.push(record);
      sim.world.record(req.actor, customer, {
        resourceType: 'agreement',
        operationType: 'create_agreement',
        resourceNewValue: JSON.stringify({
          Type: record.type,
          TemplateId: record.templateId,
          DateAgreed: record.dateAgreed,
        }),
        customizedData: [{ key: 'AgreementType', value: record.type }],
      });
      return ok(agreementView(record, template.agreementLink), 201);
    },
  },
];

function auditFilter(raw: string | undefined): (e: AuditRecordEntry) => boolean {
  const filter = searchFilterOf(raw);
  if (!filter) return () => true;
  const value = filter.value.toLowerCase();
  const operator = filter.operator.toLowerCase();
  const test = (actual: string) =>
    operator === 'substring' ? actual.toLowerCase().includes(value) : actual.toLowerCase() === value;
  if (operator !== 'substring' && operator !== 'equals')
    throw invalidInput(`Operator ${filter.operator} is not supported.`);
  switch (filter.field.toLowerCase()) {
    case 'companyname':
      return (e) => test(e.customerName);
    case 'customerid':
      return (e) => test(e.customerId);
    case 'resourcetype':
      return (e) => test(e.resourceType);
    default:
      throw invalidInput(`Unknown audit search field ${filter.field}.`);
  }
}

function dateParam(req: RouteRequest, name: string): number | undefined {
  const value = req.query.get(name);
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw invalidInput(`${name} must be a date (yyyy-mm-dd).`);
  return ms;
}

function auditRange(req: RouteRequest, sim: SimContext): [number, number] {
  const now = sim.world.now();
  const start = dateParam(req, 'startDate') ?? now - 30 * DAY_MS;
  if (start < startOfUtcDay(now) - 90 * DAY_MS) {
    throw invalidInput('Activity log data is available for the previous 90 days only.');
  }
  const endParam = req.query.get('endDate');
  const endRaw = dateParam(req, 'endDate');
  const end =
    endRaw === undefined ? now : /^\d{4}-\d{2}-\d{2}$/.test(endParam ?? '') ? endRaw + DAY_MS - 1 : endRaw;
  return [start, end];
}

export const auditRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/auditrecords',
    auth: 'app',
    family: 'auditRecords',
    handle(req, sim) {
      const [start, end] = auditRange(req, sim);
      const keep = auditFilter(req.query.get('filter'));
      const records = sim.world.audit.between(start, end).filter(keep);
      return ok(
        seekCollection(req, records, auditRecordView, {
          kind: 'auditrecords',
          size: req.query.int('size', 500, 1, 500),
          selfPath: '/auditrecords',
        }),
      );
    },
  },
];
