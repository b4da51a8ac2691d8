import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import axios, { type AxiosInstance } from 'axios';
import { ENTRA_AUTHORITY_HOST } from './credentials';

/**
 * MSAL's HTTP client. MSAL insists on an https authority, so the authority stays
 * login.microsoftonline.com and this client sends the requests to `identityBaseUrl` when one is
 * configured (the simulator's token endpoint over loopback HTTP). It never logs bodies: they carry
 * secrets and tokens.
 */
export class MsalNetworkClient implements INetworkModule {
  private readonly http: AxiosInstance;

  constructor(
    private readonly identityBaseUrl: string | undefined,
    timeoutMs: number,
  ) {
    this.http = axios.create({
      timeout: timeoutMs,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
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

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const response = await this.http.request<string>({
      method,
      url: this.target(url),
      headers: options?.headers,
      data: options?.body,
      ...(timeout ? { timeout } : {}),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    return { status: response.status, headers, body: parseBody(response.status, response.data) as T };
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
