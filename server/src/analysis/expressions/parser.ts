/**
 * A parser for the ARM template expression language.
 *
 * Grammar, per the ARM documentation page "Syntax and expressions in ARM templates"
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions):
 *
 *   expression := '[' value ']'          a JSON string that starts with `[` (not `[[`) and ends with `]`
 *   value      := primary accessor*
 *   primary    := call | string | number | 'true' | 'false' | 'null'
 *   call       := name ('.' name)? '(' (value (',' value)*)? ')'    user functions are `namespace.name`
 *   accessor   := '.' name | '[' value ']'
 *   string     := "'" ( any character but "'" | "''" )* "'"
 *   number     := '-'? digit+
 *
 * Function names are case-insensitive ("variables('var1') and VARIABLES('VAR1') are the same").
 * A string that starts with `[[` is the escaped literal whose value drops the first `[`.
 *
 * The parser never throws on bad input: it returns a syntax error with an offset into the
 * expression string. Its depth is bounded, so a hostile expression cannot exhaust the stack.
 */

export type ExpressionNode =
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'boolean'; value: boolean; start: number; end: number }
  | { kind: 'null'; start: number; end: number }
  /** `name` is lower-cased; `namespace` is set for user-defined functions (`ns.fn`). */
  | { kind: 'call'; name: string; namespace?: string; args: ExpressionNode[]; start: number; end: number }
  /** `.name` access. */
  | { kind: 'property'; target: ExpressionNode; name: string; start: number; end: number }
  /** `[value]` access: an index into an array or a property name of an object. */
  | { kind: 'index'; target: ExpressionNode; index: ExpressionNode; start: number; end: number };

export interface ExpressionSyntaxError {
  message: string;
  /** Offset into the whole string, including the leading `[`. */
  offset: number;
}

export type ParseResult = { ok: true; expression: ExpressionNode } | { ok: false; error: ExpressionSyntaxError };

/** Deeper nesting than any real template uses; beyond it the expression is reported, not followed. */
export const MAX_EXPRESSION_DEPTH = 64;

/** True for a string that ARM evaluates as an expression: `[...]`, but not the `[[` escape. */
export function isExpressionString(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

/** The value of a string that is not an expression: ARM drops the first `[` of `[[...]`. */
export function unescapeLiteral(value: string): string {
  return value.startsWith('[[') && value.endsWith(']') ? value.slice(1) : value;
}

const cache = new Map<string, ParseResult>();
const CACHE_LIMIT = 5000;

/** Parses an expression string (`[...]`). Results are cached: templates repeat expressions a lot. */
export function parseExpression(text: string): ParseResult {
  const cached = cache.get(text);
  if (cached) return cached;
  const result = new Parser(text).parseWhole();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, result);
  return result;
}

class SyntaxFailure {
  constructor(readonly error: ExpressionSyntaxError) {}
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseWhole(): ParseResult {
    try {
      if (!this.text.startsWith('[') || !this.text.endsWith(']') || this.text.length < 2) {
        this.fail('An expression starts with "[" and ends with "]"', 0);
      }
      this.pos = 1;
      // The closing `]` of the whole expression is not part of the value.
      const end = this.text.length - 1;
      this.skipSpace(end);
      if (this.pos >= end) this.fail('The expression is empty', this.pos);
      const expression = this.parseValue(end);
      this.skipSpace(end);
      if (this.pos < end) this.fail(`Unexpected "${this.text[this.pos]}" after the end of the expression`, this.pos);
      return { ok: true, expression };
    } catch (error) {
      if (error instanceof SyntaxFailure) return { ok: false, error: error.error };
      throw error;
    }
  }

  private fail(message: string, offset: number): never {
    throw new SyntaxFailure({ message, offset });
  }

  private skipSpace(end: number): void {
    while (this.pos < end && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private parseValue(end: number): ExpressionNode {
    if (++this.depth > MAX_EXPRESSION_DEPTH) this.fail(`The expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`, this.pos);
    let value = this.parsePrimary(end);
    for (;;) {
      this.skipSpace(end);
      const c = this.text[this.pos];
      if (this.pos < end && c === '.') {
        this.pos++;
        this.skipSpace(end);
        const name = this.parseName(end);
        if (name === undefined) this.fail('Expected a property name after "."', this.pos);
        value = { kind: 'property', target: value, name, start: value.start, end: this.pos };
      } else if (this.pos < end && c === '[') {
        this.pos++;
        this.skipSpace(end);
        const index = this.parseValue(end);
        this.skipSpace(end);
        if (this.pos >= end || this.text[this.pos] !== ']') this.fail('Expected "]" to close the index', this.pos);
        this.pos++;
        value = { kind: 'index', target: value, index, start: value.start, end: this.pos };
      } else {
        break;
      }
    }
    this.depth--;
    return value;
  }

  private parsePrimary(end: number): ExpressionNode {
    this.skipSpace(end);
    const start = this.pos;
    if (this.pos >= end) this.fail('Expected a value', this.pos);
    const c = this.text[this.pos];
    if (c === "'") return this.parseString(end);
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber(end);
    const name = this.parseName(end);
    if (name === undefined) this.fail(`Unexpected "${c}"`, this.pos);
    let namespace: string | undefined;
    let functionName = name;
    this.skipSpace(end);
    if (this.text[this.pos] === '.' && this.pos < end) {
      // `ns.fn(` is a user-defined function; `x.y` without `(` is not valid for a bare name.
      const save = this.pos;
      this.pos++;
      this.skipSpace(end);
      const second = this.parseName(end);
      this.skipSpace(end);
      if (second !== undefined && this.text[this.pos] === '(' && this.pos < end) {
        namespace = name;
        functionName = second;
      } else {
        this.pos = save;
      }
    }
    this.skipSpace(end);
    if (this.pos < end && this.text[this.pos] === '(') {
      this.pos++;
      const args: ExpressionNode[] = [];
      this.skipSpace(end);
      if (this.text[this.pos] === ')' && this.pos < end) {
        this.pos++;
      } else {
        for (;;) {
          args.push(this.parseValue(end));
          this.skipSpace(end);
          if (this.pos >= end) this.fail(`Expected ")" to close the call to ${functionName}`, this.pos);
          const sep = this.text[this.pos];
          this.pos++;
          if (sep === ')') break;
          if (sep !== ',') this.fail(`Expected "," or ")" in the call to ${functionName}, found "${sep}"`, this.pos - 1);
          this.skipSpace(end);
        }
      }
      return {
        kind: 'call',
        name: functionName.toLowerCase(),
        ...(namespace !== undefined ? { namespace: namespace.toLowerCase() } : {}),
        args,
        start,
        end: this.pos,
      };
    }
    if (namespace === undefined) {
      const lower = name.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true', start, end: this.pos };
      if (lower === 'null') return { kind: 'null', start, end: this.pos };
    }
    this.fail(`"${name}" is not a function call: expected "(" after it`, this.pos);
  }

  private parseName(end: number): string | undefined {
    const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.text.slice(this.pos, end));
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  private parseString(end: number): ExpressionNode {
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      if (this.pos >= end) this.fail('The string is not closed with "\'"', start);
      const c = this.text[this.pos];
      if (c === "'") {
        if (this.text[this.pos + 1] === "'" && this.pos + 1 < end) {
          value += "'";
          this.pos += 2;
          continue;
        }
        this.pos++;
        return { kind: 'string', value, start, end: this.pos };
      }
      value += c;
      this.pos++;
    }
  }

  private parseNumber(end: number): ExpressionNode {
    const start = this.pos;
    const match = /^-?\d+(?:\.\d+)?/.exec(this.text.slice(this.pos, end));
    if (!match) this.fail('Expected a number after "-"', this.pos);
    this.pos += match[0].length;
    return { kind: 'number', value: Number(match[0]), start, end: this.pos };
  }
}
