export { SensitiveDataRedactor, addRedactionCounts } from './sensitive-data-redactor';
export type { RedactionCounts, RedactionKind, RedactionResult, SensitiveDataRedactorOptions } from './sensitive-data-redactor';
export { findPans } from './pan-scanner';
export type { PanMatch } from './pan-scanner';
export { luhnValid } from './luhn';
export { redactValue } from './redact-value';
