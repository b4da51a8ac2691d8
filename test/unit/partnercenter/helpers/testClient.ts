import {
  PartnerCenterClient,
  type PartnerCenterClientOptions,
  type PartnerCenterCredentials,
  type PartnerCenterLogger,
} from '../../../../src/partnercenter';

export const TENANT_ID = '11111111-2222-3333-4444-555555555555';

export interface CapturedLog {
  level: string;
  obj: object;
  msg?: string;
}

/** A logger that keeps every line, to look at what the client logs. */
export function capturingLogger(): PartnerCenterLogger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export type TestClientOverrides = Omit<Partial<PartnerCenterClientOptions>, 'credentials'> & {
  credentials?: Partial<PartnerCenterCredentials>;
};

/** A real client pointed at a loopback stand-in, with small retry timings. */
export function testClient(baseUrl: string, overrides: TestClientOverrides = {}): PartnerCenterClient {
  const { credentials, ...rest } = overrides;
  return new PartnerCenterClient({
    baseUrl,
    timeoutMs: 300,
    retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 5_000 },
    ...rest,
    credentials: {
      tenantId: TENANT_ID,
      clientId: 'app-client-id',
      clientSecret: 'app-client-secret',
      identityBaseUrl: baseUrl,
      ...credentials,
    },
  });
}
