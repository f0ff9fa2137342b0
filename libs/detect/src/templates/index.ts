export { WILDCARD, maskToken, isVariablePart } from './variable-masking';
export { tokenizeMessage, type MessageTokens } from './message-tokens';
export { LogHeaderFormat, type HeaderMatch } from './log-header-format';
export { TemplateFamilies, tokenFits, renderTemplate, type LiveTemplate, type TemplateUnion } from './template-families';
export {
  TemplateMiner,
  DEFAULT_TEMPLATE_MINER_OPTIONS,
  MINE_OUTCOMES,
  OVERFLOW_TEMPLATE,
  type TemplateMinerOptions,
  type TemplateMatch,
  type MinedTemplate,
  type MineOutcome,
  type MineStats,
  type TemplateMinerSnapshot,
} from './template-miner';
