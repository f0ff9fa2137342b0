import { maskToken, WILDCARD } from './variable-masking';
import { tokenizeMessage } from './message-tokens';

const masked = (line: string): string => tokenizeMessage(line, 256).tokens.join(' ');

describe('variable masking', () => {
  it.each([
    ['numbers', 'took 42 ms, -7 left, 0.19158794 done', 'took <*> ms, <*> left, <*> done'],
    ['hex', 'session 0x14ed93111f20005 and deadbeefcafe1234', 'session <*> and <*>'],
    ['IPv4 with port', 'from 10.251.73.220:50010 to 10.0.0.1', 'from <*>:<*> to <*>'],
    ['UUID', 'request 123e4567-e89b-12d3-a456-426614174000 failed', 'request <*> failed'],
    ['paths', 'reading /var/lib/zookeeper/version-2/snapshot.b0 and ./conf/a.xml', 'reading <*> and <*>'],
    ['URLs keep their scheme', 'Input split: hdfs://10.10.34.11:9000/pjhe/logs/2kSOSP.log:58336+7292', 'Input split: hdfs://<*>'],
    ['timestamps', 'at 2005-06-03-15.42.50.675872 and 20171223-22:15:29:606', 'at <*> and <*>:<*>:<*>:<*>'],
    ['sizes with units fold into one variable', '1190 bytes (1.16 KB) sent', '<*> bytes (<*>) sent'],
    ['size units vary, template does not', '12 bytes (12 B) sent', '<*> bytes (<*>) sent'],
    ['quoted values with digits', "task 'attempt_201706092018_0024_m_000002_1112' saved", "task '<*>' saved"],
    ['key=value numbers; word values are left to the miner', 'logname= uid=0 euid=0 tty=ssh user=root', 'logname= uid=<*> euid=<*> tty=ssh user=root'],
    ['booleans', 'isScreenOn true enabled:false', 'isScreenOn <*> enabled:<*>'],
    ['Windows paths', 'Loaded C:\\Windows\\winsxs\\cbscore.dll, from \\\\srv\\share\\a', 'Loaded <*>, from <*>'],
    ['paths keep clause punctuation', 'Error loading /bgl/apps/a.out: denied (/tmp/x)', 'Error loading <*>: denied (<*>)'],
    ['a leading slash belongs to an address', 'request /10.10.34.12:48280 to msra-sa-41/10.190.173.170:9000', 'request <*>:<*> to <*>/<*>:<*>'],
    ['a number ending a sentence keeps its full stop', 'connect to server: msra-sa-41:8030. Already', 'connect to server: <*>:<*>. Already'],
    ['key:value numbers', 'onExtend:1514038530000 then 4', 'onExtend:<*> then <*>'],
    ['a run of variables is one field of varying length', 'REPORT : 7113 5078 152360 240', 'REPORT : <*>'],
    ['hex literals of any length', 'round 0x2 zxid 0x700000197', 'round <*> zxid <*>'],
    ['MAC addresses, IPv6 and clock times', 'chip FF:F2:9F:16:E2:23:00:0D at fe80::1 on 08:16:53', 'chip <*> at <*> on <*>'],
    ['day and month names next to numbers', 'status=M Fri Jul 01 08:16:53 PDT 2005 by Sun', 'status=M <*> PDT <*> by Sun'],
    ['a name and its instance number', 'jetty-6.1.26 on worker-12', 'jetty-<*> on worker-<*>'],
    ['ids glued to prefixes', 'block blk_-6952295868487656571 of rdd_42_20', 'block <*> of <*>'],
    ['dotted leaders separate', 'data address space................0', 'data address space................<*>'],
    ['names spelt with a digit stay', 'ssh2 jk2_init() log4j IPv4 Slf4jLogger', 'ssh2 jk2_init() log4j IPv4 Slf4jLogger'],
    ['lone digits are data', 'R02-M1-N0 replica 1', '<*> replica <*>'],
  ])('%s', (_kind, line, expected) => {
    expect(masked(line)).toBe(expected);
  });

  it('returns the very token when nothing is variable', () => {
    const token = 'PacketResponder';
    expect(maskToken(token)).toBe(token);
  });

  it('treats a token with U+FFFD as a variable', () => {
    expect(maskToken('ab\ufffdcd')).toBe(WILDCARD);
  });
});

describe('message tokens', () => {
  it('splits on any whitespace and reports control characters as binary', () => {
    const m = tokenizeMessage('a\tb\u0000c\u001bd  e', 256);
    expect(m.tokens).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(m.controlChars).toBe(true);
  });

  it('caps the token count and says so', () => {
    const m = tokenizeMessage('a b c d e', 3);
    expect(m.tokens).toEqual(['a', 'b', 'c']);
    expect(m.truncated).toBe(true);
  });

  it('notices replacement characters', () => {
    expect(tokenizeMessage('bad \ufffd bytes', 256).replacementChars).toBe(true);
  });
});
