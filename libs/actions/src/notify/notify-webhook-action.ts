import { z } from 'zod';
import { httpUrl, secretEnvName, sendRequest, timeoutSeconds, type HttpActionOptions } from '../http/http-transport';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';

export const notifyWebhookParams = z
  .object({
    url: httpUrl,
    /** Name of the environment variable holding a Standard Webhooks secret: the notification is signed with it. */
    secretEnv: secretEnvName.optional(),
    message: z.string().min(1).max(4000),
    timeoutSeconds: timeoutSeconds.default(10),
  })
  .strict();

export type NotifyWebhookParams = z.output<typeof notifyWebhookParams>;

/** `notify.webhook`: POST `{ text, runId, stepKey }` as JSON to a chat or paging webhook. Changes nothing, so needs no rollback. */
export function createNotifyWebhookAction(options: HttpActionOptions = {}): RemediationAction<NotifyWebhookParams> {
  return {
    type: 'notify.webhook',
    params: notifyWebhookParams,
    serverDryRun: false,
    run(params: NotifyWebhookParams, context: ActionContext): Promise<ActionResult> {
      const body = JSON.stringify({ text: params.message, runId: context.runId, stepKey: context.stepKey });
      return sendRequest({ url: params.url, method: 'POST', body, timeoutSeconds: params.timeoutSeconds, secretEnv: params.secretEnv }, context, options);
    },
  };
}
