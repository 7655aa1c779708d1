import { Value } from 'typebox/value';
import { CLIENT_FRAME_SCHEMAS, PROTOCOL_VERSION, type ClientFrame, type ClientFrameType } from './chat-envelope-schema.js';

export type FrameErrorCode = 'too_large' | 'bad_json' | 'bad_version' | 'unknown_type' | 'invalid_frame';

export interface FrameError {
  code: FrameErrorCode;
  message: string;
  details?: { path: string; message: string }[];
}

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: FrameError };

const isClientType = (type: unknown): type is ClientFrameType => typeof type === 'string' && Object.hasOwn(CLIENT_FRAME_SCHEMAS, type);

/**
 * One client text frame → a typed frame or a typed error. The checks run cheapest first, and the
 * size is checked before parsing so an oversized frame costs no JSON.parse.
 */
export function parseClientFrame(text: string, byteLength: number, maxFrameBytes: number): ParsedFrame {
  if (byteLength > maxFrameBytes) return fail('too_large', `the frame has ${byteLength} bytes; at most ${maxFrameBytes}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('bad_json', 'the frame is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('invalid_frame', 'the frame must be a JSON object');
  const { v, type } = value as { v?: unknown; type?: unknown };
  // The version comes before the type: a v2 frame may use types this server has never heard of.
  if (v !== PROTOCOL_VERSION) return fail('bad_version', `unsupported protocol version ${JSON.stringify(v ?? null)}; this server speaks v${PROTOCOL_VERSION}`);
  if (!isClientType(type)) return fail('unknown_type', `unknown frame type ${JSON.stringify(type ?? null)}`);
  const schema = CLIENT_FRAME_SCHEMAS[type];
  if (!Value.Check(schema, value)) {
    const details = [...Value.Errors(schema, value)].map((e) => ({ path: e.instancePath || '/', message: e.message }));
    return { ok: false, error: { code: 'invalid_frame', message: `invalid ${type} frame: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details } };
  }
  return { ok: true, frame: value as ClientFrame };
}

function fail(code: FrameErrorCode, message: string): ParsedFrame {
  return { ok: false, error: { code, message } };
}
