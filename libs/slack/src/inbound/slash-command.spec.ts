import { parseIncidentCommand, normalizeMention } from './slash-command';
import { slackRoleResolver } from './slack-roles';
import { redactSlackTokens } from './slack-logger';
import { parseActionValue, selectedSeverity } from './action-ids';

describe('parseIncidentCommand', () => {
  it.each([
    ['', { kind: 'help', unknown: null }],
    ['help', { kind: 'help', unknown: null }],
    ['frobnicate now', { kind: 'help', unknown: 'frobnicate' }],
    ['declare Payments failing --service payments', { kind: 'declare', title: 'Payments failing', severity: 'sev3', services: ['payments'] }],
    ['declare  Two   spaces --services=a,b --sev 2', { kind: 'declare', title: 'Two spaces', severity: 'sev2', services: ['a', 'b'] }],
    ['declare Everything', { kind: 'declare', title: 'Everything', severity: 'sev3', services: ['unknown'] }],
    ['DECLARE it --severity SEV1', { kind: 'declare', title: 'it', severity: 'sev1', services: ['unknown'] }],
    ['status', { kind: 'status', ref: null }],
    ['status #42', { kind: 'status', ref: '42' }],
    ['sev 1', { kind: 'sev', ref: null, severity: 'sev1' }],
    ['sev #7 sev4', { kind: 'sev', ref: '7', severity: 'sev4' }],
    ['ack', { kind: 'ack', ref: null }],
    ['ack #12', { kind: 'ack', ref: '12' }],
    ['resolve', { kind: 'resolve', ref: null, note: null }],
    ['resolve #3 rolled back v42 &amp; verified', { kind: 'resolve', ref: '3', note: 'rolled back v42 & verified' }],
    ['commander <@U123>', { kind: 'commander', ref: null, commander: '<@U123>' }],
    ['commander #5 <@U123|alice>', { kind: 'commander', ref: '5', commander: '<@U123>' }],
    ['note #5 looking at the db', { kind: 'note', ref: '5', text: 'looking at the db' }],
    ['postmortem', { kind: 'postmortem', ref: null }],
  ])('%j', (text, expected) => expect(parseIncidentCommand(text)).toEqual(expected));

  it.each(['sev', 'sev 5', 'sev 1 2', 'commander', 'note', 'declare', 'declare --service a', 'declare x --sev 9', 'declare x --service'])('%j is a usage error', (text) => {
    expect(parseIncidentCommand(text).kind).toBe('usage');
  });

  it('keeps a name that is not a mention as typed', () => expect(normalizeMention('@alice')).toBe('@alice'));
});

describe('roles, values and logs', () => {
  it('maps Slack users to roles with a default', () => {
    const role = slackRoleResolver({ U123: 'responder', u999: 'admin' }, 'viewer');
    expect([role('U123'), role('U999'), role('U000')]).toEqual(['responder', 'admin', 'viewer']);
  });

  it('reads button values and severity options', () => {
    expect(parseActionValue('{"incidentId":"inc-1","runId":"run-2"}')).toEqual({ incidentId: 'inc-1', runId: 'run-2' });
    expect(parseActionValue('not json')).toBeNull();
    expect(selectedSeverity('sev2').severity).toBe('sev2');
    expect(selectedSeverity('{"incidentId":"inc-1","severity":"sev1"}')).toEqual({ severity: 'sev1', value: { incidentId: 'inc-1', severity: 'sev1' } });
  });

  it('scrubs tokens from log lines', () => {
    expect(redactSlackTokens('POST chat.postMessage token=xoxb-123-456-abcDEF ok')).toBe('POST chat.postMessage token=xoxb-[redacted] ok');
  });
});
