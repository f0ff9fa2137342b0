import { z } from 'zod';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';
import { headerMap, httpUrl, secretEnvName, sendRequest, timeoutSeconds, type HttpActionOptions } from './http-transport';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const httpRequestParams = z
  .object({
    url: httpUrl,
    method: z.enum(HTTP_METHODS).default('POST'),
    headers: headerMap.optional(),
    /** Sent as JSON (`content-type: application/json` unless `headers` says otherwise). */
    body: z.json().optional(),
    /** Name of the environment variable holding a Standard Webhooks secret (`whsec_…`): the request is signed with it. */
    secretEnv: secretEnvName.optional(),
    /** Statuses that mean success (default: any 2xx). */
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    /** Per attempt (default 10 s). */
    timeoutSeconds: timeoutSeconds.default(10),
  })
  .strict()
  .refine((p) => p.body === undefined || p.method !== 'GET', { message: 'a GET request carries no body', path: ['body'] });

export type HttpRequestParams = z.output<typeof httpRequestParams>;

/** `http.request`: one HTTP call to a service's own remediation endpoint (flush a cache, fail over, toggle a flag). */
export function createHttpRequestAction(options: HttpActionOptions = {}): RemediationAction<HttpRequestParams> {
  return {
    type: 'http.request',
    params: httpRequestParams,
    serverDryRun: false,
    run(params: HttpRequestParams, context: ActionContext): Promise<ActionResult> {
      return sendRequest(
        {
          url: params.url,
          method: params.method,
          headers: params.headers,
          body: params.body === undefined ? undefined : JSON.stringify(params.body),
          expectStatus: params.expectStatus,
          timeoutSeconds: params.timeoutSeconds,
          secretEnv: params.secretEnv,
        },
        context,
        options,
      );
    },
  };
}
