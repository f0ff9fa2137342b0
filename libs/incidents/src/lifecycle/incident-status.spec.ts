import { IncidentTransitionError, nextStatus } from './incident-status';

describe('incident lifecycle', () => {
  it('walks triggered → acknowledged → mitigated → resolved and reopens', () => {
    expect(nextStatus('triggered', 'acknowledge')).toBe('acknowledged');
    expect(nextStatus('acknowledged', 'mitigate')).toBe('mitigated');
    expect(nextStatus('mitigated', 'resolve')).toBe('resolved');
    expect(nextStatus('resolved', 'reopen')).toBe('triggered');
    expect(nextStatus('triggered', 'resolve')).toBe('resolved');
  });

  it('refuses moves that make no sense, naming them', () => {
    expect(() => nextStatus('resolved', 'acknowledge')).toThrow(new IncidentTransitionError('resolved', 'acknowledge'));
    expect(() => nextStatus('mitigated', 'acknowledge')).toThrow('cannot acknowledge an incident that is mitigated');
    expect(() => nextStatus('triggered', 'reopen')).toThrow(IncidentTransitionError);
  });
});
