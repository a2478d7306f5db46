/**
 * Reading request bodies and writing JSON answers. Fastify reads the body (capped at
 * the limit before it is buffered, so a huge body costs at most the cap); nothing is
 * parsed, let alone written, until the whole body is in and is valid JSON, and no
 * error ever quotes it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, badRequest, unauthorized } from './scim-error';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const JSON_CONTENT_TYPE = 'application/json';

/** SCIM answers in its own media type; everything else (device and admin API) in plain JSON. */
export function contentTypeFor(url: string): string {
  return url.startsWith('/scim/') ? SCIM_CONTENT_TYPE : JSON_CONTENT_TYPE;
}

/** The path without its query: what logs may hold (a query can hold a userName filter). */
export function pathOf(url: string): string {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/** The query, parsed as browsers and the URL standard do (never throws). */
export function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : url.slice(start + 1));
}

/** The body as a JSON object, or a SCIM invalidSyntax error (never quoting the body). */
export function readJsonObject(request: FastifyRequest): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== JSON_CONTENT_TYPE && type !== SCIM_CONTENT_TYPE) {
    throw new ScimError(415, 'Send the body as application/scim+json or application/json.');
  }
  const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.', 'invalidSyntax');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('The request body must be a JSON object.', 'invalidSyntax');
  return value as Record<string, unknown>;
}

export function sendJson(reply: FastifyReply, status: number, body: unknown, contentType = SCIM_CONTENT_TYPE, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  reply
    .code(status)
    .headers({ 'content-type': `${contentType}; charset=utf-8`, 'cache-control': 'no-store', ...headers })
    .send(text);
}

export function sendError(reply: FastifyReply, error: ScimError, contentType = SCIM_CONTENT_TYPE): void {
  if (reply.raw.headersSent) return void reply.raw.destroy();
  sendJson(reply, error.status, error, contentType, error.headers);
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+([^\s]+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests, not the tokens, so the comparison's time says nothing about either. */
export function requireToken(request: FastifyRequest, expectedDigest: Buffer): void {
  const token = bearerToken(request);
  if (!token || !timingSafeEqual(sha256(token), expectedDigest)) throw unauthorized();
}
