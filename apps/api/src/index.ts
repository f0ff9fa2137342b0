export { startApi } from './api-server';
export type { ApiServer } from './api-server';
export type { ApiDependencies } from './api.module';
export type { Readiness, ReadinessReport } from './readiness';
export { DEFAULT_MAX_IN_FLIGHT, DEFAULT_PUBLISH_TIMEOUT_MS } from './otlp-gateway/otlp-gateway.options';
export type { OtlpGatewayOptions, OtlpTopicEncoding } from './otlp-gateway/otlp-gateway.options';
export { OTLP_HTTP_PATHS } from './otlp-gateway/otlp-http-routes';
export { OTLP_GATEWAY_MESSAGE_HEADERS, OTLP_GATEWAY_SOURCE, OVERLOADED_RETRY_AFTER_SECONDS, UNAVAILABLE_RETRY_AFTER_SECONDS } from './otlp-gateway/otlp-gateway.service';
export type { InboundAlertsOptions } from './inbound/inbound-alerts.options';
// Slack: the IncidentDesk (the same commands as the REST API) that `vigil start` hands the outbound Slack sync.
export { createApiIncidentDesk } from './slack/api-incident-desk';
export type { ApiIncidentDeskOptions } from './slack/api-incident-desk';
export { PostmortemTemplates } from './postmortems/postmortem-templates';
