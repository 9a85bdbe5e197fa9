/**
 * Just enough SQL lexing to tell statements apart: quotes, quoted names and comments are
 * skipped, so a `;` inside them does not end a statement. Not a parser: the warehouse parses.
 */

export type SqlDialect = 'sqlite' | 'bigquery';

/**
 * The statements of `sql`, each without its terminating `;`, in order. Statements that hold
 * only whitespace and comments (a trailing `;` or `-- note` after the last one) are dropped.
 */
export function sqlStatements(sql: string, dialect: SqlDialect): string[] {
  const statements: string[] = [];
  let start = 0;
  let meaningful = false;
  let i = 0;
  const end = (at: number) => {
    if (meaningful) statements.push(sql.slice(start, at).trim());
    start = at + 1;
    meaningful = false;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === ';') {
      end(i);
      i++;
    } else if (c === '-' && next === '-') {
      i = lineEnd(sql, i);
    } else if (c === '#' && dialect === 'bigquery') {
      i = lineEnd(sql, i);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === "'" || c === '"' || c === '`' || (c === '[' && dialect === 'sqlite')) {
      meaningful = true;
      i = quoteEnd(sql, i, dialect);
    } else {
      if (!/\s/.test(c)) meaningful = true;
      i++;
    }
  }
  end(sql.length);
  return statements;
}

function lineEnd(sql: string, from: number): number {
  const newline = sql.indexOf('\n', from);
  return newline < 0 ? sql.length : newline + 1;
}

/** The index just past the quoted text that starts at `from`. */
function quoteEnd(sql: string, from: number, dialect: SqlDialect): number {
  const open = sql[from] as string;
  const close = open === '[' ? ']' : open;
  if (dialect === 'bigquery' && open !== '`' && sql.startsWith(open.repeat(3), from)) {
    const found = sql.indexOf(open.repeat(3), from + 3);
    return found < 0 ? sql.length : found + 3;
  }
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i];
    // BigQuery escapes with a backslash; SQLite doubles the quote.
    if (c === '\\' && dialect === 'bigquery') i += 2;
    else if (c === close && sql[i + 1] === close && close !== ']') i += 2;
    else if (c === close) return i + 1;
    else i++;
  }
  return sql.length;
}
