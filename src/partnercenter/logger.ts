/** The logging surface the client needs; a pino logger fits it as is. */
export interface PartnerCenterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const ignore = (): void => undefined;

export const noopLogger: PartnerCenterLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
