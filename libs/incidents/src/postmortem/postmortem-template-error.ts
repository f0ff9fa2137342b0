import { POSTMORTEM_PLACEHOLDERS } from './postmortem-placeholders';

export const POSTMORTEM_TEMPLATE_PROBLEMS = ['empty', 'unclosed', 'unknown_placeholder'] as const;
export type PostmortemTemplateProblem = (typeof POSTMORTEM_TEMPLATE_PROBLEMS)[number];

/**
 * A template that can never render. It says where (template, line, column, 1-based) and lists
 * what is allowed, so whoever edited the file can fix it from the message alone; parsing is
 * deterministic, so retrying cannot help.
 */
export class PostmortemTemplateError extends Error {
  override readonly name = 'PostmortemTemplateError';
  readonly retriable = false as const;
  readonly knownPlaceholders: readonly string[] = POSTMORTEM_PLACEHOLDERS;

  constructor(
    readonly templateName: string,
    readonly line: number,
    readonly column: number,
    readonly problem: PostmortemTemplateProblem,
    /** What stood between the braces, for `unknown_placeholder`; otherwise null. */
    readonly placeholder: string | null,
    detail: string,
  ) {
    super(
      `postmortem template "${templateName}", line ${line}, column ${column}: ${detail}. ` +
        `Known placeholders: ${POSTMORTEM_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    );
  }
}
