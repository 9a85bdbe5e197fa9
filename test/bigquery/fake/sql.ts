// Rewrites the small subset of BigQuery standard SQL that bftask sends into
// SQLite. Not an interpreter: names, literals and a few idioms are translated
// token by token, and SQLite does the rest.

export type StatementType = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE';

export interface TableName {
  dataset: string;
  table: string;
}

export interface RewrittenSql {
  sql: string;
  statementType: StatementType;
  /** Tables named after FROM/JOIN/INTO/UPDATE/DELETE, in order of appearance. */
  tables: TableName[];
  /** Datasets whose INFORMATION_SCHEMA.PARTITIONS view the query reads. */
  partitionViews: string[];
  /** `column op @param` and `column BETWEEN @a AND @b` comparisons, for the engine's type check. */
  comparisons: Comparison[];
}

/** A column compared with query parameters; `line`/`column` place it in the SQL as BigQuery does (1-based). */
export interface Comparison {
  name: string;
  operator: string;
  params: string[];
  line: number;
  column: number;
}

/** The temp table that stands in for `dataset.INFORMATION_SCHEMA.PARTITIONS`. */
export function partitionsViewTable(dataset: string): string {
  return `__partitions__${dataset}`;
}

type TokenKind = 'ws' | 'string' | 'quoted' | 'word' | 'param' | 'other';
interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in the SQL text. */
  at: number;
}

/** SQL the fake cannot translate; reported to the client as invalidQuery. */
export class SqlRewriteError extends Error {}

const CAST_TYPES: Record<string, string> = {
  STRING: 'TEXT',
  DATE: 'TEXT',
  DATETIME: 'TEXT',
  TIME: 'TEXT',
  INT64: 'INTEGER',
  INTEGER: 'INTEGER',
  BOOL: 'INTEGER',
  BOOLEAN: 'INTEGER',
  FLOAT64: 'REAL',
  NUMERIC: 'REAL',
  BIGNUMERIC: 'REAL',
};

const TABLE_KEYWORDS = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE']);

function unescapeBigQueryString(body: string): string {
  return body.replace(/\\(.)/gs, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
}

function sqliteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const WS_RE = /^(?:\s+|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)/;
const STRING_RE = /^([rRbB]{0,2})('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/;

function tokenize(sql: string, projectId: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, length: number) => {
    tokens.push({ kind, text, at: i });
    i += length;
  };
  while (i < sql.length) {
    const rest = sql.slice(i);
    let m: RegExpExecArray | null;
    if ((m = WS_RE.exec(rest))) {
      push('ws', ' ', m[0].length);
    } else if ((m = STRING_RE.exec(rest))) {
      const quote = m[2] ?? '';
      const q = quote.startsWith("'''") || quote.startsWith('"""') ? 3 : 1;
      const body = quote.slice(q, quote.length - q);
      const raw = /[rR]/.test(m[1] ?? '');
      push('string', sqliteString(raw ? body : unescapeBigQueryString(body)), m[0].length);
    } else if ((m = /^`([^`]*)`/.exec(rest))) {
      push('quoted', m[1] ?? '', m[0].length);
    } else if (/[^A-Za-z0-9_]/.test(projectId) && rest.startsWith(`${projectId}.`)) {
      // A hyphenated project id written without backticks (my-proj.ds.t).
      push('word', projectId, projectId.length);
    } else if ((m = /^@@?[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      push('param', m[0], m[0].length);
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      push('word', m[0], m[0].length);
    } else {
      push('other', rest[0] ?? '', 1);
    }
  }
  return tokens;
}

/** Rewrites BigQuery SQL for the SQLite engine behind the fake. */
export function rewriteSql(sql: string, projectId: string): RewrittenSql {
  const text = sql.replace(/;\s*$/, '');
  const tokens = tokenize(text, projectId);
  const out: string[] = [];
  const tables: TableName[] = [];
  const partitionViews: string[] = [];
  const castDepths: number[] = [];
  let depth = 0;
  let statementType: StatementType | undefined;
  let lastWord = ''; // previous significant token, upper-cased

  const peek = (from: number): { token: Token | undefined; index: number } => {
    let j = from;
    while (tokens[j]?.kind === 'ws') j++;
    return { token: tokens[j], index: j };
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'ws') {
      out.push(token.text);
      continue;
    }
    const upper = token.text.toUpperCase();

    if (statementType === undefined && token.kind === 'word') {
      statementType = upper === 'WITH' || upper === 'SELECT' ? 'SELECT' : (upper as StatementType);
      if (!['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(statementType)) {
        throw new SqlRewriteError(`Unsupported statement ${token.text} (the fake runs SELECT, INSERT, UPDATE, DELETE)`);
      }
      out.push(token.text);
      // BigQuery lets INSERT omit INTO and DELETE omit FROM; SQLite does not.
      const next = peek(i + 1).token?.text.toUpperCase();
      if (upper === 'INSERT' && next !== 'INTO') out.push(' INTO');
      if (upper === 'DELETE' && next !== 'FROM') out.push(' FROM');
      lastWord = upper === 'INSERT' ? 'INTO' : upper === 'DELETE' ? 'FROM' : upper;
      continue;
    }

    if (token.kind === 'word' || token.kind === 'quoted') {
      // Typed literals: DATE '2024-01-01' is the string; TIMESTAMP literals are compared as stored micros.
      const after = peek(i + 1);
      if (token.kind === 'word' && after.token?.kind === 'string' && ['DATE', 'DATETIME', 'TIME', 'NUMERIC', 'BIGNUMERIC', 'JSON', 'TIMESTAMP'].includes(upper)) {
        out.push(upper === 'TIMESTAMP' ? `__bq_timestamp(${after.token.text})` : after.token.text);
        i = after.index;
        lastWord = 'LITERAL';
        continue;
      }
      if (token.kind === 'word' && upper === 'AS' && castDepths.at(-1) === depth && after.token?.kind === 'word') {
        const mapped = CAST_TYPES[after.token.text.toUpperCase()];
        if (mapped) {
          out.push(`AS ${mapped}`);
          i = after.index;
          continue;
        }
      }
      if (token.kind === 'word' && (upper === 'CURRENT_DATE' || upper === 'CURRENT_TIMESTAMP')) {
        // BigQuery allows (and usually writes) them as calls; TIMESTAMPs are stored as micros.
        const open = peek(i + 1);
        const close = open.token?.text === '(' ? peek(open.index + 1) : undefined;
        if (close?.token?.text === ')') i = close.index;
        out.push(upper === 'CURRENT_DATE' ? 'CURRENT_DATE' : '__bq_now()');
        lastWord = upper;
        continue;
      }
      if (token.kind === 'word' && upper === 'UNNEST') {
        const open = peek(i + 1);
        const param = peek(open.index + 1);
        const close = peek(param.index + 1);
        if (open.token?.text === '(' && param.token?.kind === 'param' && close.token?.text === ')') {
          out.push(`(SELECT value FROM json_each(${param.token.text}))`);
          i = close.index;
          lastWord = ')';
          continue;
        }
      }
      if (token.kind === 'word' && (upper === 'CAST' || upper === 'SAFE_CAST') && after.token?.text === '(') {
        out.push('CAST');
        castDepths.push(depth + 1);
        lastWord = upper;
        continue;
      }

      // A dotted name, possibly split across backtick groups: `p.d.t`, `p`.d.t, d.t.
      const parts: string[] = [];
      let quoted = false;
      let j = i;
      for (;;) {
        const part = tokens[j]!;
        quoted ||= part.kind === 'quoted';
        parts.push(...(part.kind === 'quoted' ? part.text.split('.') : [part.text]));
        const dot = tokens[j + 1];
        const next = tokens[j + 2];
        if (dot?.text !== '.' || (next?.kind !== 'word' && next?.kind !== 'quoted')) break;
        j += 2;
      }
      i = j;
      if (parts.length >= 3 && parts[0] === projectId) parts.shift();
      const isTableRef = TABLE_KEYWORDS.has(lastWord);
      if (parts.length >= 3 && parts[1]?.toUpperCase() === 'INFORMATION_SCHEMA' && parts[2]?.toUpperCase() === 'PARTITIONS') {
        const dataset = parts[0]!;
        if (!partitionViews.includes(dataset)) partitionViews.push(dataset);
        out.push(['temp', partitionsViewTable(dataset), ...parts.slice(3)].map(quoteIdent).join('.'));
      } else {
        if (isTableRef && parts.length === 2) tables.push({ dataset: parts[0]!, table: parts[1]! });
        out.push(quoted ? parts.map(quoteIdent).join('.') : parts.join('.'));
      }
      lastWord = isTableRef ? 'TABLE_NAME' : upper;
      continue;
    }

    if (token.text === '(') depth++;
    if (token.text === ')') {
      if (castDepths.at(-1) === depth) castDepths.pop();
      depth--;
    }
    out.push(token.text);
    lastWord = token.text.toUpperCase();
  }

  if (statementType === undefined) throw new SqlRewriteError('Syntax error: Unexpected end of script');
  return { sql: out.join('').trim(), statementType, tables, partitionViews, comparisons: findComparisons(tokens, text) };
}

const OPERATOR_CHARS = new Set(['=', '<', '>', '!']);

/** Finds `name op @p` and `name BETWEEN @a AND @b`, where name may be dotted (`t.col`). */
function findComparisons(tokens: Token[], text: string): Comparison[] {
  const sig = tokens.filter((t) => t.kind !== 'ws');
  const found: Comparison[] = [];
  const place = (at: number) => {
    const before = text.slice(0, at).split('\n');
    return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  };
  for (let i = 0; i < sig.length; i++) {
    const first = sig[i]!;
    if (first.kind !== 'word' && first.kind !== 'quoted') continue;
    let j = i;
    while (sig[j + 1]?.text === '.' && (sig[j + 2]?.kind === 'word' || sig[j + 2]?.kind === 'quoted')) j += 2;
    const name = (sig[j]!.kind === 'quoted' ? sig[j]!.text.split('.').at(-1) : sig[j]!.text) ?? '';
    const next = sig[j + 1];
    if (next?.kind === 'word' && next.text.toUpperCase() === 'BETWEEN') {
      const [a, and, b] = [sig[j + 2], sig[j + 3], sig[j + 4]];
      if (a?.kind === 'param' && and?.text.toUpperCase() === 'AND' && b?.kind === 'param') {
        found.push({ name, operator: 'BETWEEN', params: [a.text.slice(1), b.text.slice(1)], ...place(first.at) });
      }
    } else {
      let k = j + 1;
      let operator = '';
      while (sig[k]?.kind === 'other' && OPERATOR_CHARS.has(sig[k]!.text) && operator.length < 2) operator += sig[k++]!.text;
      const param = sig[k];
      if (operator && param?.kind === 'param') found.push({ name, operator, params: [param.text.slice(1)], ...place(first.at) });
    }
    i = j;
  }
  return found;
}
