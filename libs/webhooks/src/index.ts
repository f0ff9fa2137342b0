export { newWebhookSecret, signWebhook, verifyWebhook, webhookSignature, WEBHOOK_TOLERANCE_SECONDS } from './standard-webhooks';
export type { SignedWebhookHeaders, WebhookVerification } from './standard-webhooks';
