/** OpenTelemetry semantic-convention attribute names Vigil reads. */
export const ATTR_SERVICE_NAME = 'service.name';
/** What the OTel spec says to use when a resource has no service.name. */
export const UNKNOWN_SERVICE = 'unknown_service';
