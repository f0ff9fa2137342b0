export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Raised at boot; lists every bad variable at once so an operator fixes them in one go. */
export class ConfigError extends Error {
  readonly code = 'invalid_config' as const;
  readonly retriable = false;

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
