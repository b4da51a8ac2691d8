import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Agent } from 'undici';
import { connectionPool, exchangeText, TransportFailure, type Answer } from '../http/transport';
import { ENTRA_AUTHORITY_HOST } from './credentials';

/**
 * MSAL's HTTP client. MSAL insists on an https authority, so the authority stays
 * login.microsoftonline.com and this client sends the requests to `identityBaseUrl` when one is
 * configured (the simulator's token endpoint over loopback HTTP). It never logs bodies: they carry
 * secrets and tokens. Redirects are not followed.
 */
export class MsalNetworkClient implements INetworkModule {
  /** Keep-alive connections of this client (idle ones never keep the process alive). */
  private readonly dispatcher: Agent;

  constructor(
    private readonly identityBaseUrl: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.dispatcher = connectionPool(timeoutMs);
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  /** The URL the request really goes to. */
  target(url: string): string {
    if (!this.identityBaseUrl || !url.toLowerCase().startsWith(ENTRA_AUTHORITY_HOST)) return url;
    return this.identityBaseUrl.replace(/\/+$/, '') + url.slice(ENTRA_AUTHORITY_HOST.length);
  }

  /** One exchange, the answer read whole, all within `timeout` (MSAL's, else the client's). */
  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const limitMs = timeout || this.timeoutMs;
    let answer: Answer;
    try {
      answer = await exchangeText(this.dispatcher, this.target(url), {
        method,
        ...(options?.headers ? { headers: options.headers } : {}),
        ...(options?.body !== undefined ? { body: options.body } : {}),
        timeoutMs: limitMs,
      });
    } catch (error) {
      // MSAL reports any failure here as its network_error; the timeout at least says what it was.
      if (error instanceof TransportFailure && error.kind === 'timeout')
        throw Object.assign(new Error(`No answer from the identity endpoint within ${limitMs} ms`), {
          code: 'ETIMEDOUT',
        });
      throw error;
    }
    const { status, headers, text } = answer;
    return { status, headers, body: parseBody(status, text) as T };
  }
}

/** As MSAL's own client: JSON as is, anything else becomes an OAuth-style error object. */
function parseBody(status: number, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const kind = status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'unknown_error';
    return {
      error: kind,
      error_description: `The identity endpoint answered HTTP ${status} without a JSON body.`,
    };
  }
}
