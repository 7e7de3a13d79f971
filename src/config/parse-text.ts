import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';

/**
 * Parse an experiment file's text: JSON for `.json`, YAML for anything else (`.yaml`, `.yml`, ...).
 * Throws a ConfigError naming every syntax error with its line and column.
 */
export function parseText(text: string, file: string): unknown {
  return /\.json$/i.test(file) ? parseJson(text, file) : parseYaml(text, file);
}

function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { path: '', message: `invalid YAML at line ${line}, column ${col}: ${e.message.split('\n')[0]}` };
    });
    throw new ConfigError(file, issues);
  }
  try {
    return doc.toJS();
  } catch (e) {
    // e.g. an alias bomb rejected by yaml's maxAliasCount
    throw new ConfigError(file, [{ path: '', message: `invalid YAML: ${(e as Error).message}` }]);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // Node 20's messages do not always carry a position, so find the first bad character ourselves.
    const reason = (e as Error).message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, ".*" is not valid JSON$/s, '');
    const offset = jsonErrorOffset(text);
    const { line, col } = linePos(text, offset < 0 ? text.length : offset);
    throw new ConfigError(file, [{ path: '', message: `invalid JSON at line ${line}, column ${col}: ${reason}` }]);
  }
}

/** 1-based line and column of a character offset. */
function linePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

class JsonStop {
  constructor(readonly offset: number) {}
}

/** Offset of the first character that makes `text` invalid JSON (RFC 8259), or -1 if it is valid. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (c: string): void => {
    ws();
    if (text[i] !== c) fail();
    i++;
  };
  const str = (): void => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      i++;
      if (c === '"') return;
      if (c === '\\') {
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i] as string)) i++;
        else fail();
      }
    }
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const items = (close: string, item: () => void): void => {
    i++; // opening bracket
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      ws();
      if (text[i] === ',') i++;
      else return expect(close);
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      return items('}', () => {
        ws();
        if (text[i] !== '"') fail();
        str();
        expect(':');
        value();
      });
    }
    if (c === '[') return items(']', value);
    if (c === '"') return str();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    number.lastIndex = i;
    if (!number.test(text)) fail();
    i = number.lastIndex;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (e) {
    if (e instanceof JsonStop) return e.offset;
    throw e;
  }
}
