import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configTableMarkdown, loadConfig } from './index';

describe('loadConfig', () => {
  it('gives embedded defaults when nothing is set', () => {
    const config = loadConfig({ env: {} });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config.VIGIL_TOPIC_OTLP_LOGS).toBe('otlp_logs');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses typed values', () => {
    const config = loadConfig({
      env: { PORT: '8080', KAFKA_BROKERS: 'a:9092, b:9093', KAFKA_SSL: 'true', VIGIL_OTLP_ENCODING: 'otlp_json' },
    });
    expect(config.PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.KAFKA_SSL).toBe(true);
    expect(config.VIGIL_OTLP_ENCODING).toBe('otlp_json');
  });

  it('names every bad variable and what is wrong with it', () => {
    let error: unknown;
    try {
      loadConfig({ env: { PORT: 'eighty', KAFKA_BROKERS: 'nohostport', DATABASE_URL: 'mysql://x', VIGIL_OTLP_ENCODING: 'xml' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'VIGIL_OTLP_ENCODING']);
    expect((error as Error).message).toMatch(/PORT: expected a port number.*"eighty"/);
    expect((error as Error).message).toMatch(/KAFKA_BROKERS: expected host:port/);
  });

  it('reads redaction patterns as a JSON array of regexes and rejects anything else by name', () => {
    expect(loadConfig({ env: {} }).VIGIL_REDACT_PATTERNS).toEqual([]);
    expect(loadConfig({ env: { VIGIL_REDACT_PATTERNS: '["secret=\\\\S+", "iban [A-Z]{2}\\\\d+"]' } }).VIGIL_REDACT_PATTERNS).toEqual(['secret=\\S+', 'iban [A-Z]{2}\\d+']);
    for (const bad of ['secret=\\S+', '["(unclosed"]', '[1, 2]']) {
      expect(() => loadConfig({ env: { VIGIL_REDACT_PATTERNS: bad } })).toThrow(/VIGIL_REDACT_PATTERNS.*expected a JSON array of regular expressions/);
    }
  });

  it('requires SASL credentials with a mechanism', () => {
    expect(() => loadConfig({ env: { KAFKA_SASL_MECHANISM: 'plain' } })).toThrow(/KAFKA_SASL_MECHANISM: needs KAFKA_SASL_USERNAME/);
  });

  it('reads a JSON file, with the environment winning, and rejects unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const file = join(dir, 'vigil.json');
    writeFileSync(file, JSON.stringify({ PORT: 4000, LOG_LEVEL: 'debug' }));
    const config = loadConfig({ env: { PORT: '5000' }, file });
    expect(config.PORT).toBe(5000);
    expect(config.LOG_LEVEL).toBe('debug');
    writeFileSync(file, JSON.stringify({ PROT: 4000 }));
    expect(() => loadConfig({ env: {}, file })).toThrow(/PROT: unknown variable/);
    expect(() => loadConfig({ env: {}, file: join(dir, 'missing.json') })).toThrow(/VIGIL_CONFIG_FILE: cannot read/);
  });

  it('renders a table row for every variable', () => {
    const table = configTableMarkdown();
    expect(table).toContain('| `PORT` | `3000` |');
    expect(table).toContain('| `DATABASE_URL` | (unset) |');
  });
});

describe('loadConfig cross-field rules', () => {
  it('wants the heartbeat below the session timeout', () => {
    expect(() => loadConfig({ env: { KAFKA_SESSION_TIMEOUT_MS: '3000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' } })).toThrow(
      /KAFKA_HEARTBEAT_INTERVAL_MS: must be below KAFKA_SESSION_TIMEOUT_MS/,
    );
  });
});
