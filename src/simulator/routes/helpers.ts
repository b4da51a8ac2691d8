import type { z } from 'zod';
import { PcError, invalidInput } from '../state/errors';
import type { CustomerState } from '../state/types';
import type { RouteRequest, SimContext } from '../http/pipeline';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function param(req: RouteRequest, name: string): string {
  const value = req.params[name];
  if (value === undefined || value === '') throw invalidInput(`Missing path parameter ${name}.`);
  return decodeURIComponent(value);
}

/** The customer of `:customerId`: 400 900118 for a malformed id, 403 20002 for a tenant that is not ours. */
export function customerOf(req: RouteRequest, sim: SimContext): CustomerState {
  const id = param(req, 'customerId');
  if (!GUID.test(id)) throw new PcError(400, '900118', 'Invalid Customer ID');
  return sim.world.customer(id);
}

/** Validates a JSON body (keys already camel-cased) against a schema; 400 800002 when it does not fit. */
export function bodyOf<T extends z.ZodTypeAny>(req: RouteRequest, schema: T): z.infer<T> {
  const result = schema.safeParse(req.json());
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidInput(`Invalid request input: ${issue.path.join('.') || 'body'} ${issue.message}`.trim());
  }
  return result.data;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
