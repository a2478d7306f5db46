/**
 * An HTTP fuzzer for the servers we run (the directory, the browser demo's host): it
 * writes generated requests as raw bytes to loopback — odd targets and methods, header
 * shapes and sizes, encodings, bodies mutated from valid ones, requests cut off half
 * way, dripped slowly, or pipelined — and counts what comes back. Deterministic for a
 * seed, bounded in count and in time; it never follows anything off loopback.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface FuzzTarget {
  port: number;
  /** Over TLS, with the CA the server's certificate chains to. */
  tls?: { ca: string };
  /** The Host header a well-formed request carries (a server may refuse others). */
  host: string;
  /** Paths to start from, with `{id}` where a parameter goes. */
  paths: string[];
  /** Credentials to send now and then (valid ones reach deeper code), each as a header and its value. */
  credentials: Array<[header: string, value: string]>;
  /** Valid bodies to send as they are or mutated. */
  bodies: unknown[];
  /** Query parameters worth varying (a token in the query, a SCIM filter). */
  queries?: string[];
}

export interface FuzzOptions {
  requests: number;
  seed?: number;
  concurrency?: number;
  /** Stop generating when this much time has passed, whatever the count. */
  deadlineMs?: number;
}

export interface FuzzReport {
  /** Requests generated and written (a pipelined connection carries several). */
  sent: number;
  connections: number;
  /** Connections that got at least one answer. */
  answered: number;
  /** Connections the server closed without an answer (malformed, cut off, over a limit). */
  closedUnanswered: number;
  /** Connections still silent when the fuzzer gave up on them (a body still awaited, a stream). */
  abandoned: number;
  cutOff: number;
  slow: number;
  pipelined: number;
  /** The first status of each answered connection, counted. */
  statuses: Record<string, number>;
  ms: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'get', 'Patch', 'PROPFIND', 'BREW', 'G\tET', '', 'X'.repeat(300)];
const TYPES = ['application/json', 'application/scim+json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', ';;;', 'application/', '*/*'];
const ODD_TARGETS = ['//', '///', '/%', '/%zz', '/%00', '/..%2f..%2fetc%2fpasswd', '/a/../../b', '*', 'http://127.0.0.1/', 'https://evil.example/scim/v2/Users', '/\\\\', '/?', '/#frag', '/scim/v2/Users/', '/scim/v2//Users', '/api/v1/device/../device/checkin', '/\u00e9\u00ff', '/\r', '?a=b'];

export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const rand = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const chance = (p: number) => rand() < p;
  const junk = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
  const report: FuzzReport = { sent: 0, connections: 0, answered: 0, closedUnanswered: 0, abandoned: 0, cutOff: 0, slow: 0, pipelined: 0, statuses: {}, ms: 0 };
  const started = performance.now();
  const deadline = started + (options.deadlineMs ?? 60_000);

  const mutateText = (text: string): string => {
    const chars = [...text];
    for (let n = Math.floor(rand() * 4); n >= 0; n -= 1) {
      const at = Math.floor(rand() * (chars.length + 1));
      const what = rand();
      if (what < 0.3) chars.splice(at, 1);
      else if (what < 0.6) chars.splice(at, 0, pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', '\ud800', 'null', '1e999', '-0', '"__proto__"']));
      else chars.splice(at, 1, String.fromCharCode(Math.floor(rand() * 0x3000)));
    }
    return chars.join('');
  };

  const body = (): Buffer => {
    const kind = rand();
    if (kind < 0.35) return Buffer.from(JSON.stringify(pick(target.bodies)));
    if (kind < 0.6) return Buffer.from(mutateText(JSON.stringify(pick(target.bodies))));
    if (kind < 0.68) return Buffer.from(`${'['.repeat(2000 + Math.floor(rand() * 20_000))}`);
    if (kind < 0.74) return Buffer.from(JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } }, schemas: [], Operations: [{ op: 'replace', value: { ['__proto__']: { polluted: true } } }] }));
    if (kind < 0.8) return Buffer.from(JSON.stringify({ big: 'x'.repeat(Math.floor(rand() * 80_000)) }));
    if (kind < 0.86) return Buffer.from(JSON.stringify([1e308, -1e308, 2 ** 53 + 1, 'ü'.repeat(100)]));
    if (kind < 0.93) return junk(Math.floor(rand() * 2000));
    return Buffer.alloc(0);
  };

  const path = (): string => {
    if (chance(0.15)) return pick(ODD_TARGETS);
    let p = pick(target.paths).replace('{id}', () =>
      pick(['x', 'dev_x', 'chg_x', encodeURIComponent('ü@example.com'), '%2F', '%E0%A4%A', 'a'.repeat(Math.floor(rand() * 3000)), String(Math.floor(rand() * 1e9))]),
    );
    if (chance(0.3) && target.queries?.length) p += `?${pick(target.queries)}`;
    if (chance(0.1)) p += `?${mutateText('filter=userName eq "a"&count=10&startIndex=1')}`;
    if (chance(0.03)) p += 'x'.repeat(Math.floor(rand() * 20_000));
    return p;
  };

  /** One request's bytes; `complete` false when it was built to be short (the server should wait for more, or give up). */
  const request = (): { bytes: Buffer; complete: boolean } => {
    const method = chance(0.85) ? pick(METHODS.slice(0, 7)) : pick(METHODS);
    const version = chance(0.95) ? 'HTTP/1.1' : pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTP/1.1 extra', 'FTP/1.0', '']);
    const payload = ['POST', 'PUT', 'PATCH'].includes(method) || chance(0.1) ? body() : Buffer.alloc(0);
    const headers: string[] = [];
    if (chance(0.93)) headers.push(`Host: ${chance(0.9) ? target.host : pick(['evil.example', '', 'a'.repeat(500), `${target.host}:1`])}`);
    if (chance(0.75)) {
      const [name, value] = pick(target.credentials);
      headers.push(`${name}: ${chance(0.95) ? value : mutateText(value)}`);
    } else if (chance(0.3)) headers.push(`Authorization: ${pick(['Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer ${'A'.repeat(Math.floor(rand() * 9000))}`, 'Bearer a b c'])}`);
    if (payload.length || chance(0.2)) headers.push(`Content-Type: ${pick(TYPES)}`);
    let complete = true;
    const framing = rand();
    let framed = payload;
    if (framing < 0.7) headers.push(`Content-Length: ${payload.length}`);
    else if (framing < 0.75) {
      headers.push(`Content-Length: ${payload.length + 1 + Math.floor(rand() * 500)}`);
      complete = false;
    } else if (framing < 0.8) headers.push(`Content-Length: ${pick(['-1', 'abc', '1e3', ' 5', '99999999999999999999', `${payload.length}, ${payload.length}`])}`);
    else if (framing < 0.9) {
      headers.push('Transfer-Encoding: chunked');
      const chunks = chance(0.8) ? `${payload.length.toString(16)}\r\n${payload.toString('latin1')}\r\n0\r\n\r\n` : `${pick(['zz', '-1', 'fffffffffffff', '5'])}\r\nabc\r\n`;
      framed = Buffer.from(chunks, 'latin1');
    } else if (framing < 0.93) {
      headers.push(`Content-Length: ${payload.length}`, 'Transfer-Encoding: chunked');
    }
    // Most requests well-formed enough to reach the handlers; some with headers no parser should take.
    const extras = Math.floor(rand() * 4);
    for (let i = 0; i < extras; i += 1) {
      headers.push(
        pick([
          `X-${Math.floor(rand() * 1e6)}: ${'v'.repeat(Math.floor(rand() * 200))}`,
          'Content-Encoding: gzip',
          'Connection: keep-alive',
          'Connection: close',
          'Connection: Upgrade\r\nUpgrade: websocket',
          'Expect: 100-continue',
          `If-Match: ${pick(['*', 'W/"1"', '"x"', 'W/'])}`,
          `X-Forwarded-For: ${pick(['127.0.0.1', '10.0.0.1, 203.0.113.5', 'junk'])}`,
          'X-Forwarded-Proto: https',
          `Origin: ${pick(['http://evil.example', `http://${target.host}`, 'null'])}`,
          `Accept-Language: ${pick(['de-CH,de;q=0.9', '*', 'x'.repeat(300)])}`,
          'Accept-Encoding: gzip',
          `X-Unicode: ${'\u00fc\u00ff'.repeat(20)}`,
        ]),
      );
    }
    if (chance(0.08)) headers.push(pick([`X-Big: ${'b'.repeat(8000 + Math.floor(rand() * 24_000))}`, 'NoColonHeader', ' folded: value', 'Bad\u0000Name: x', `X-${'n'.repeat(9000)}: x`]));
    const head = `${method} ${path()} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`;
    return { bytes: Buffer.concat([Buffer.from(head, 'latin1'), framed]), complete };
  };

  const runConnection = (): Promise<void> =>
    new Promise((resolve) => {
      report.connections += 1;
      const count = chance(0.08) ? 2 + Math.floor(rand() * 3) : 1;
      const requests = Array.from({ length: count }, () => request());
      report.sent += count;
      if (count > 1) report.pipelined += 1;
      const bytes = Buffer.concat(requests.map((r) => r.bytes));
      const mode = rand();
      const cut = mode < 0.06;
      const slow = !cut && mode < 0.075;
      const complete = requests.every((r) => r.complete) && !cut;
      const socket = target.tls
        ? tls.connect({ host: '127.0.0.1', port: target.port, ca: target.tls.ca, servername: 'localhost' })
        : net.connect({ host: '127.0.0.1', port: target.port });
      let received = '';
      let answered = false;
      let done = false;
      const finish = (how: 'answered' | 'closed' | 'abandoned') => {
        if (done) return;
        done = true;
        clearTimeout(giveUp);
        if (how === 'answered') {
          report.answered += 1;
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 'other';
          report.statuses[status] = (report.statuses[status] ?? 0) + 1;
        } else if (how === 'closed') report.closedUnanswered += 1;
        else report.abandoned += 1;
        socket.destroy();
        resolve();
      };
      // Long enough for a slow hash or a dripped request; short enough to keep the run moving.
      const giveUp = setTimeout(() => finish(answered ? 'answered' : 'abandoned'), complete ? 4000 : slow ? 3000 : 800);
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (!answered && /^HTTP\/1\.[01] \d{3}[^\r\n]*\r\n(?:[^\r\n]*\r\n)*\r\n/.test(received)) {
          answered = true;
          // Pipelined requests: wait a moment for the rest; a single one is done.
          if (count === 1) finish('answered');
          else setTimeout(() => finish('answered'), 50);
        }
      });
      socket.on('close', () => finish(answered ? 'answered' : 'closed'));
      socket.once(target.tls ? 'secureConnect' : 'connect', () => {
        if (cut) {
          report.cutOff += 1;
          socket.end(bytes.subarray(0, Math.floor(rand() * bytes.length)));
        } else if (slow) {
          report.slow += 1;
          let i = 0;
          const step = Math.max(1, Math.floor(bytes.length / 40));
          const drip = setInterval(() => {
            if (done || socket.destroyed || i >= bytes.length) return clearInterval(drip);
            socket.write(bytes.subarray(i, i + step));
            i += step;
          }, 50);
        } else socket.write(bytes);
      });
    });

  const worker = async () => {
    while (report.sent < options.requests && performance.now() < deadline) await runConnection();
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
  report.ms = performance.now() - started;
  return report;
}
