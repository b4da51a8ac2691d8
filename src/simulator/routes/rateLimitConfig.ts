import { z } from 'zod';
import type { SimContext } from '../http/pipeline';
import { RATE_LIMITS, type EndpointFamily } from '../http/throttling';
import { apiRoutes } from './index';

/**
 * The rate-limit part of GET/PUT /_sim/config: the effective per-minute limit of each endpoint
 * family with its default, source and routes, so a benchmark can compute the bound of a sweep;
 * `rateLimitsPerMinute` in a PUT changes limits (null puts a family's default back).
 */

const families = Object.keys(RATE_LIMITS) as [EndpointFamily, ...EndpointFamily[]];

export const rateLimitOverridesSchema = z
  .record(z.enum(families), z.number().int().min(1).max(1_000_000).nullable())
  .refine((value) => Object.keys(value).length > 0, { message: 'name at least one endpoint family' });

export type RateLimitOverrides = z.infer<typeof rateLimitOverridesSchema>;

export function applyRateLimits(sim: SimContext, overrides: RateLimitOverrides): void {
  for (const family of families) {
    const value = overrides[family];
    if (value !== undefined) sim.limiter.setPerMinute(family, value);
  }
}

function routesByFamily(): Map<EndpointFamily, string[]> {
  const map = new Map<EndpointFamily, string[]>();
  for (const route of apiRoutes) {
    if (!route.family) continue;
    map.set(route.family, [...(map.get(route.family) ?? []), `${route.method} ${route.path}`]);
  }
  return map;
}

export function throttlingView(sim: SimContext) {
  const table = sim.limiter.table();
  const routes = routesByFamily();
  return {
    enabled: sim.world.config.rateLimits,
    windowMs: table.windowMs,
    scope: table.scope,
    families: Object.fromEntries(
      families.map((family) => [family, { ...table.families[family], routes: routes.get(family) ?? [] }]),
    ),
  };
}

/** The body of GET and PUT /_sim/config. */
export function configView(sim: SimContext) {
  return { ...sim.world.config, throttling: throttlingView(sim) };
}
