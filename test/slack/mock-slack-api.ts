import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the mock received, in arrival order. */
export interface RecordedSlackCall {
  /** Web API method (`chat.postMessage`), or `upload` for a files.uploadV2 upload POST. */
  method: string;
  /** The bearer token it came with (null: none). */
  token: string | null;
  contentType: string;
  /** Form fields as sent (strings; blocks, metadata and files are JSON text), or the JSON body. */
  params: Record<string, unknown>;
  /** The body exactly as received. */
  raw: string;
  /** What the mock answered: an HTTP status, or `dropped` when it hung up without one. */
  answered: number | 'dropped';
  atMs: number;
}

export interface MockSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs: string | null;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | null;
  files?: { id: string; title: string }[];
  edits: number;
}

export interface MockSlackChannel {
  id: string;
  name: string;
  members: Set<string>;
  topic: string;
  /** Archived: every call about it answers `is_archived`. */
  archived?: boolean;
}

export interface MockSlackFile {
  id: string;
  filename: string;
  length: number;
  title: string | null;
  content: string;
  channel: string | null;
  completed: boolean;
}

type Rule = { method: string | null; remaining: number };

/** A call's fields, JSON fields decoded (blocks, metadata, files, …). */
export function callArg<T = unknown>(call: RecordedSlackCall, name: string): T | undefined {
  const value = call.params[name];
  if (typeof value === 'string' && /^[[{]/.test(value.trim())) {
    try {
      return JSON.parse(value) as T;
    } catch {
      return value as T;
    }
  }
  return value as T;
}

/**
 * A local stand-in for Slack's Web API on 127.0.0.1, speaking its wire format: POST
 * `/api/<method>` with a form-encoded or JSON body and `Authorization: Bearer <token>`, answered
 * `{ok: true, …}` or `{ok: false, error}` (HTTP 200) the way Slack does. It keeps channels,
 * messages (with metadata and threads) and files, records every request in order, and can be
 * told to misbehave: 429 with Retry-After, `name_taken`, any `{ok:false}` error, down (connection
 * refused, or 503), or to act on a request and then hang up without answering (a lost response).
 * `files.uploadV2` works end to end: getUploadURLExternal, the upload POST, completeUploadExternal.
 */
export class MockSlackApi {
  readonly calls: RecordedSlackCall[] = [];
  readonly channels = new Map<string, MockSlackChannel>();
  readonly messages: MockSlackMessage[] = [];
  readonly files = new Map<string, MockSlackFile>();
  /** Names conversations.create refuses with `name_taken` (besides existing channels). */
  readonly takenNames = new Set<string>();
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private seq = 0;
  private rateLimits: (Rule & { retryAfterSeconds: number })[] = [];
  private failures: (Rule & { error: string })[] = [];
  private lost: Rule[] = [];
  private mode: 'up' | 'refusing' | 'unavailable' = 'up';

  private constructor(readonly token: string) {
    this.server = this.createServer();
  }

  /** Starts on a free port of 127.0.0.1. Requests must carry `token` (default `xoxb-test`). */
  static async start(options: { token?: string } = {}): Promise<MockSlackApi> {
    const mock = new MockSlackApi(options.token ?? 'xoxb-test');
    await mock.listen(0);
    return mock;
  }

  /** `http://127.0.0.1:<port>`: the Web API is at `url + '/api/'`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` calls (of `method`, or any) answer HTTP 429 with `Retry-After: seconds`. */
  rateLimit(times: number, retryAfterSeconds = 1, method: string | null = null): void {
    this.rateLimits.push({ method, remaining: times, retryAfterSeconds });
  }

  /** The next `times` calls of `method` answer `{ok: false, error}`. */
  fail(method: string, error: string, times = 1): void {
    this.failures.push({ method, remaining: times, error });
  }

  /** The next `times` calls (of `method`, or any) take effect, then the connection is cut before any answer. */
  loseResponses(times: number, method: string | null = null): void {
    this.lost.push({ method, remaining: times });
  }

  /** Slack is down: `refused` closes the port (connection refused), `503` answers every call with HTTP 503. */
  async down(how: 'refused' | '503' = 'refused'): Promise<void> {
    if (how === '503') {
      this.mode = 'unavailable';
      return;
    }
    this.mode = 'refusing';
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** Back up, on the same port. */
  async up(): Promise<void> {
    if (this.mode === 'refusing') {
      this.server = this.createServer();
      await this.listen(this.port);
    }
    this.mode = 'up';
  }

  callsTo(method: string): RecordedSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The methods called so far, in order (handy for `toEqual([...])`). */
  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  channelNamed(name: string): MockSlackChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** Messages of a channel: top level (`threadTs` null) or the replies in one thread, oldest first. */
  messagesIn(channel: string, threadTs: string | null = null): MockSlackMessage[] {
    return this.messages.filter((m) => m.channel === channel && (threadTs === null ? m.threadTs === null : m.threadTs === threadTs));
  }

  async close(): Promise<void> {
    if (this.mode === 'refusing') return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private createServer(): Server {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private take<R extends Rule>(rules: R[], method: string): R | null {
    const rule = rules.find((r) => r.remaining > 0 && (r.method === null || r.method === method));
    if (!rule) return null;
    rule.remaining -= 1;
    return rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const upload = /^\/upload\/([A-Z0-9]+)$/.exec(path);
    const apiMethod = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    const method = upload ? 'upload' : apiMethod ? (apiMethod[1] as string) : path;
    const contentType = String(req.headers['content-type'] ?? '');
    const auth = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''));
    const params = parseBody(raw, contentType);
    const call: RecordedSlackCall = { method, token: auth?.[1] ?? null, contentType, params, raw, answered: 200, atMs: Date.now() };
    this.calls.push(call);

    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      call.answered = status;
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'POST') return send(405, { ok: false, error: 'method_not_allowed' });
    if (this.mode === 'unavailable') return send(503, 'Service Unavailable');
    const limited = this.take(this.rateLimits, method);
    if (limited) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfterSeconds) });
    if (!auth) return send(200, { ok: false, error: 'not_authed' });
    if (auth[1] !== this.token) return send(200, { ok: false, error: 'invalid_auth' });
    const failure = this.take(this.failures, method);
    if (failure) return send(200, { ok: false, error: failure.error });

    const answer = upload ? this.upload(upload[1] as string, raw) : this.apply(method, call);
    if (this.take(this.lost, method)) {
      // It happened; the caller never hears so.
      call.answered = 'dropped';
      req.socket.destroy();
      return;
    }
    if (typeof answer === 'string') return send(200, answer);
    send(200, answer);
  }

  private nextTs(): string {
    this.seq += 1;
    return `${1_700_000_000 + this.seq}.${String(this.seq).padStart(6, '0')}`;
  }

  private apply(method: string, call: RecordedSlackCall): Record<string, unknown> {
    const arg = <T>(name: string): T | undefined => callArg<T>(call, name);
    const str = (name: string): string => String(call.params[name] ?? '');
    const channelOf = (): MockSlackChannel | null => this.channels.get(str('channel')) ?? null;
    const named = this.channels.get(str('channel')) ?? this.channels.get(str('channel_id'));
    if (named?.archived && method !== 'conversations.history' && method !== 'conversations.replies') return { ok: false, error: 'is_archived' };
    switch (method) {
      case 'conversations.create': {
        const name = str('name');
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if (this.takenNames.has(name) || this.channelNamed(name)) return { ok: false, error: 'name_taken' };
        this.seq += 1;
        const channel: MockSlackChannel = { id: `C${String(this.seq).padStart(8, '0')}`, name, members: new Set(['UBOT']), topic: '' };
        this.channels.set(channel.id, channel);
        return { ok: true, channel: { id: channel.id, name, is_channel: true, is_private: str('is_private') === 'true', created: Math.floor(Date.now() / 1000) } };
      }
      case 'conversations.invite': {
        const channel = channelOf();
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const users = str('users').split(',').filter(Boolean);
        if (users.length === 0) return { ok: false, error: 'no_user' };
        if (users.some((u) => channel.members.has(u))) return { ok: false, error: 'already_in_channel' };
        for (const u of users) channel.members.add(u);
        return { ok: true, channel: { id: channel.id, name: channel.name } };
      }
      case 'conversations.setTopic': {
        const channel = channelOf();
        if (!channel) return { ok: false, error: 'channel_not_found' };
        channel.topic = str('topic');
        return { ok: true, channel: { id: channel.id, topic: { value: channel.topic } } };
      }
      case 'chat.postMessage': {
        const channel = channelOf();
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const text = str('text');
        const blocks = arg<unknown[]>('blocks') ?? [];
        if (!text && blocks.length === 0) return { ok: false, error: 'no_text' };
        const threadTs = call.params['thread_ts'] ? str('thread_ts') : null;
        if (threadTs && !this.messages.some((m) => m.channel === channel.id && m.ts === threadTs)) return { ok: false, error: 'thread_not_found' };
        const message: MockSlackMessage = { channel: channel.id, ts: this.nextTs(), text, blocks, threadTs, metadata: arg('metadata') ?? null, edits: 0 };
        this.messages.push(message);
        return { ok: true, channel: channel.id, ts: message.ts, message: this.wire(message, true) };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === str('channel') && m.ts === str('ts'));
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = str('text');
        message.blocks = arg<unknown[]>('blocks') ?? message.blocks;
        message.edits += 1;
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case 'conversations.history': {
        const channel = channelOf();
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const all = str('include_all_metadata') === 'true';
        return { ok: true, messages: this.messagesIn(channel.id).reverse().map((m) => this.wire(m, all)), has_more: false, response_metadata: { next_cursor: '' } };
      }
      case 'conversations.replies': {
        const channel = channelOf();
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const parent = this.messages.find((m) => m.channel === channel.id && m.ts === str('ts'));
        if (!parent) return { ok: false, error: 'thread_not_found' };
        const all = str('include_all_metadata') === 'true';
        return { ok: true, messages: [parent, ...this.messagesIn(channel.id, parent.ts)].map((m) => this.wire(m, all)), has_more: false, response_metadata: { next_cursor: '' } };
      }
      case 'files.getUploadURLExternal': {
        this.seq += 1;
        const id = `F${String(this.seq).padStart(8, '0')}`;
        this.files.set(id, { id, filename: str('filename'), length: Number(str('length')), title: null, content: '', channel: null, completed: false });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed = arg<{ id: string; title?: string }[]>('files') ?? [];
        const done: { id: string; title: string; name: string }[] = [];
        for (const f of listed) {
          const file = this.files.get(f.id);
          if (!file || !file.content) return { ok: false, error: 'file_not_found' };
          file.title = f.title ?? file.filename;
          file.completed = true;
          file.channel = call.params['channel_id'] ? str('channel_id') : null;
          done.push({ id: file.id, title: file.title, name: file.filename });
        }
        const channel = call.params['channel_id'] ? this.channels.get(str('channel_id')) : undefined;
        if (call.params['channel_id'] && !channel) return { ok: false, error: 'channel_not_found' };
        if (channel) {
          const threadTs = call.params['thread_ts'] ? str('thread_ts') : null;
          this.messages.push({ channel: channel.id, ts: this.nextTs(), text: str('initial_comment'), blocks: [], threadTs, metadata: null, files: done.map((d) => ({ id: d.id, title: d.title })), edits: 0 });
        }
        return { ok: true, files: done };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** The upload POST: the file's bytes (multipart, as the Web API client sends them). */
  private upload(fileId: string, raw: string): string {
    const file = this.files.get(fileId);
    if (!file) return 'Unknown file';
    file.content = raw;
    return `OK - ${Buffer.byteLength(raw)}`;
  }

  private wire(m: MockSlackMessage, withMetadata: boolean): Record<string, unknown> {
    return {
      type: 'message',
      user: 'UBOT',
      text: m.text,
      ts: m.ts,
      blocks: m.blocks,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
      ...(m.files ? { files: m.files } : {}),
    };
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return {};
}
