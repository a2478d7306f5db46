/**
 * Reading request bodies and writing JSON answers. Bodies are capped before they are
 * buffered, so a huge body costs the server at most the cap; nothing is parsed, let
 * alone written, until the whole body is in and is valid JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ScimError, badRequest, unauthorized } from './scim-error';

export const MAX_BODY_BYTES = 64 * 1024;
export const SCIM_CONTENT_TYPE = 'application/scim+json';

export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) {
    // Drain what is sent rather than reset the connection, so the client reads our 413.
    request.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => failed || resolve(Buffer.concat(chunks)));
    request.on('error', (error) => failed || reject(error));
  });
}

function tooLarge(limit: number): ScimError {
  return new ScimError(413, `The request body is larger than ${limit} bytes.`, undefined, { connection: 'close' });
}

/** The body as a JSON object, or a SCIM invalidSyntax error (never quoting the body). */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/json' && type !== SCIM_CONTENT_TYPE) {
    throw new ScimError(415, 'Send the body as application/scim+json or application/json.');
  }
  const body = await readBody(request);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.', 'invalidSyntax');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('The request body must be a JSON object.', 'invalidSyntax');
  return value as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, contentType = SCIM_CONTENT_TYPE, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': `${contentType}; charset=utf-8`, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ScimError, contentType = SCIM_CONTENT_TYPE): void {
  if (response.headersSent) return void response.destroy();
  sendJson(response, error.status, error, contentType, error.headers);
}

export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+([^\s]+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests, not the tokens, so the comparison's time says nothing about either. */
export function requireToken(request: IncomingMessage, expectedDigest: Buffer): void {
  const token = bearerToken(request);
  if (!token || !timingSafeEqual(sha256(token), expectedDigest)) throw unauthorized();
}
