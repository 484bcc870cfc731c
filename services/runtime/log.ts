// Structured logs: one JSON object per line (stdout, and --logfile if given), with the active trace and
// span ids so a log line can be found from a trace and back. On a terminal (--log-format human) stdout
// shows people the status line and problems instead, while the file keeps every JSON line. The file
// is written asynchronously and rotated (log-file.ts).
import { trace } from '@opentelemetry/api';
import { LogFile, type LogFileOptions } from './log-file.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
  /** Writes out what the log file still holds in memory (call before exiting). */
  close?(): Promise<void>;
}

export type LogFormat = 'json' | 'human';

export interface LoggerOptions {
  level?: LogLevel;
  fields?: Fields;
  logfile?: string;
  logfileOptions?: LogFileOptions;
  // 'human': the console gets the status lines (fields.status) and warnings/errors, readable; the
  // file still gets every JSON line. Default 'json'.
  format?: LogFormat;
  // Where lines go; stdout by default (tests capture them here).
  write?: (line: string) => void;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in LEVELS;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const write =
    opts.write ??
    ((line: string) => {
      process.stdout.write(line);
    });
  const file = opts.logfile ? new LogFile(opts.logfile, opts.logfileOptions) : null;
  const human = opts.format === 'human';
  const make = (base: Fields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: Fields) => {
      if (LEVELS[level] < min) return;
      const span = trace.getActiveSpan()?.spanContext();
      const record: Fields = { time: new Date().toISOString(), level, msg, ...base };
      if (span && span.traceId !== '00000000000000000000000000000000') {
        record.trace_id = span.traceId;
        record.span_id = span.spanId;
      }
      if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialize(v);
      const line = JSON.stringify(record, jsonReplacer) + '\n';
      if (!human) write(line);
      else if (LEVELS[level] >= LEVELS.warn || record.status === true) write(humanLine(record));
      file?.write(line);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (f) => make({ ...base, ...f }),
      close: async () => {
        await file?.close();
      },
    };
  };
  return make(opts.fields ?? {});
}

const SKIP_IN_HUMAN = new Set(['time', 'level', 'msg', 'service', 'instance', 'status', 'trace_id', 'span_id']);

/** `12:34:56 WARN message key=value ...` (the status line as it is, prefixed by the time). */
export function humanLine(record: Fields): string {
  const time = String(record.time ?? '').slice(11, 19);
  const level = record.level === 'info' ? '' : ` ${String(record.level).toUpperCase()}`;
  const extra: string[] = [];
  for (const [k, v] of Object.entries(record)) {
    if (SKIP_IN_HUMAN.has(k) || v === undefined) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v, jsonReplacer);
    extra.push(`${k}=${text}`);
  }
  return `${time}${level} ${String(record.msg)}${extra.length ? ` (${extra.join(', ')})` : ''}\n`;
}

function serialize(v: unknown): unknown {
  if (v instanceof Error) {
    const out: Fields = { message: v.message, name: v.name };
    if ('code' in v) out.code = (v as { code: unknown }).code;
    if (v.stack) out.stack = v.stack;
    return out;
  }
  return v;
}

// bigint (satoshis, ms) and bytes (hashes) appear in log fields; JSON.stringify would throw or dump arrays.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: string }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data).toString('hex');
  }
  return value;
}
