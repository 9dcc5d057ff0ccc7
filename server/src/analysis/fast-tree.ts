import type { Node as ReadonlyNode } from 'jsonc-parser';

/** jsonc-parser's Node, writable while it is being built. */
type Node = { -readonly [K in keyof ReadonlyNode]: ReadonlyNode[K] };

/**
 * A one-pass, non-recursive reader of ARM templates that builds jsonc-parser `Node`s (the
 * same shape `parseTree` builds: type, offset, length, parent, children, value, colonOffset)
 * only for the parts the analysis can use, and checks the syntax of everything else.
 *
 * - Every property of the root object is built, except the members of the root `resources`.
 * - A member of the root `resources` is built only when it may matter: its text mentions
 *   `servicefabric` or `deployments` (nested templates), or holds a `\u` escape that could spell
 *   either, or its `type` is an expression that the scope may resolve to either. Its child
 *   resources are part of its text, so they are covered too. Any other member becomes a
 *   placeholder node: its real type, offset and length, but no `children` (see `isSkipped`).
 * - Nesting is kept on an explicit stack, so 100,000 levels do not overflow the call stack.
 *
 * Its scanner follows jsonc-parser's scanner (same tokens, same errors) but does not build
 * strings it does not need, such as the values of skipped strings and of whitespace. It stops
 * at the first syntax error and says so; the caller then asks jsonc-parser for the exact error
 * and its recovered `$schema`, so that results match `parseTree` exactly.
 */

const enum Token {
  OpenBrace = 1,
  CloseBrace = 2,
  OpenBracket = 3,
  CloseBracket = 4,
  Comma = 5,
  Colon = 6,
  Null = 7,
  True = 8,
  False = 9,
  String = 10,
  Number = 11,
  LineComment = 12,
  BlockComment = 13,
  LineBreak = 14,
  Trivia = 15,
  Unknown = 16,
  EOF = 17,
}

/** Why the reader gave up. Only the fact matters; the caller gets the details from jsonc-parser. */
class SyntaxErrorFound {}
const SYNTAX_ERROR = new SyntaxErrorFound();

/** What the reader built for a document, or that it found a syntax error. */
export type SelectiveTree = { ok: true; root: ReadonlyNode | undefined } | { ok: false };

/**
 * What to build: `relevant` builds the root properties and the resources that may matter;
 * `schema` builds only the root `$schema` and checks the syntax of the rest.
 */
export type ResourceFilter = 'relevant' | 'schema';

const SKIPPED = Symbol('skipped');

/** True for a placeholder of a value whose content was checked but not built. */
export function isSkipped(node: ReadonlyNode): boolean {
  return (node as Node & { [SKIPPED]?: true })[SKIPPED] === true;
}

/**
 * Offsets of every place where a resource the analysis can use shows itself: `servicefabric`
 * and `deployments` in any case, and `\u` escapes (which could spell either), in ascending
 * order. Three searches and a merge rather than one alternation (`/servicefabric|deployments|\\u/gi`),
 * which V8 runs about 2x slower: it tries every branch at every character, while a single
 * word gets a skipping search and `\u` a substring search.
 */
export function markerOffsets(text: string): number[] {
  const words = [find(text, /servicefabric/gi), find(text, /deployments/gi)];
  const escapes: number[] = [];
  for (let at = text.indexOf('\\u'); at >= 0; at = text.indexOf('\\u', at + 2)) escapes.push(at);
  return merge(merge(words[0], words[1]), escapes);
}

function find(text: string, word: RegExp): number[] {
  const offsets: number[] = [];
  for (let match = word.exec(text); match !== null; match = word.exec(text)) offsets.push(match.index);
  return offsets;
}

/** Two ascending lists as one. */
function merge(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

const SERVICE_FABRIC = /servicefabric/i;

/**
 * True when no Service Fabric type can be in the text: it never says `servicefabric` (in any
 * case) and has no `\u` escape that could spell it. Such a template cannot have findings.
 *
 * Two searches rather than one regular expression with an alternative: V8 finds a single
 * case-insensitive word with a fast skipping search, and `\u` with a plain substring search,
 * but an alternation makes it try both at every character (about 3x slower at 7 MB).
 */
export function mayMentionServiceFabric(text: string): boolean {
  return text.includes('\\u') || SERVICE_FABRIC.test(text);
}

interface Frame {
  /** The object or array node, or undefined while skipping. */
  node: Node | undefined;
  isObject: boolean;
  needsComma: boolean;
  /** The property whose value is being read (build mode), so that its length can be set. */
  property: Node | undefined;
  /** Lower-cased name of the current property (objects only). */
  key: string | undefined;
  /** This container is the root `resources`: its members are filtered. */
  isResources: boolean;
  /** This container is the template object itself. */
  isRoot: boolean;
}

class Reader {
  /** The current token, a `Token` (kept a number so that TypeScript does not narrow it across `next()`). */
  private token: number = Token.EOF;
  /** Where the scanner is: just after the current token. */
  private pos = 0;
  private tokenOffset = 0;
  /** The current string token holds a backslash escape. */
  private escaped = false;
  private markers: number[] | undefined;
  /** The `type` of the resource being skipped, when it is a string. */
  private skippedType: string | undefined;
  /**
   * The containers being read, innermost last: frames are reused rather than allocated per
   * container, since a large template has hundreds of thousands of them and the garbage would
   * raise the memory used while reading (V8's young generation) by several MB. `value` calls
   * nest (a resource is checked, then built) but each one ends before its caller goes on, so
   * they share the array: a call's frames are those from its `base` to `frameTop`.
   */
  private readonly frames: Frame[] = [];
  private frameTop = 0;

  constructor(
    private readonly text: string,
    private readonly filter: ResourceFilter,
  ) {}

  read(): SelectiveTree {
    try {
      this.next();
      if (this.token === Token.EOF) return { ok: true, root: undefined };
      const holder: Node = { type: 'array', offset: -1, length: -1, children: [] };
      this.value(holder, true, true);
      if (this.token !== Token.EOF) return { ok: false };
      const root = holder.children![0];
      delete (root as Node).parent;
      return { ok: true, root };
    } catch (error) {
      if (error === SYNTAX_ERROR) return { ok: false };
      throw error;
    }
  }

  /**
   * Reads the root object's properties up to the first `$schema` and gives its value (a string,
   * or undefined for any other value) and where that value ends; undefined when the text does
   * not go that way without a syntax error first (the caller then reads it all).
   */
  readToRootSchema(): { schema: unknown; end: number } | undefined {
    try {
      this.next();
      if (!this.is(Token.OpenBrace)) return undefined;
      this.next();
      for (let first = true; ; first = false) {
        if (!first) {
          if (!this.is(Token.Comma)) return undefined;
          this.next();
        }
        if (!this.is(Token.String)) return undefined;
        const isSchema = this.tokenLength < 64 && this.stringValue().toLowerCase() === '$schema';
        this.next();
        if (!this.is(Token.Colon)) return undefined;
        this.next();
        let schema: unknown;
        if (this.is(Token.OpenBrace) || this.is(Token.OpenBracket)) {
          this.skipValue(false);
        } else {
          if (this.is(Token.String)) schema = this.stringValue();
          else if (!this.is(Token.Number) && !this.is(Token.True) && !this.is(Token.False) && !this.is(Token.Null)) return undefined;
          this.lastEnd = this.pos;
          if (isSchema) return { schema, end: this.lastEnd };
          this.next();
        }
        if (isSchema) return { schema: undefined, end: this.lastEnd };
      }
    } catch (error) {
      if (error === SYNTAX_ERROR) return undefined;
      throw error;
    }
  }

  /** Compares the current token without TypeScript narrowing it across `next()`. */
  private is(token: Token): boolean {
    return this.token === token;
  }

  private get tokenLength(): number {
    return this.pos - this.tokenOffset;
  }

  /**
   * The next token that is not trivia. Any token that jsonc-parser's scanner marks with an
   * error (bad escape, unterminated string or comment, control character, bad number), and
   * any unknown symbol, is a parse error for jsonc-parser's parser: throw.
   */
  private next(): void {
    const text = this.text;
    const length = text.length;
    let pos = this.pos;
    for (;;) {
      if (pos >= length) {
        this.tokenOffset = length;
        this.pos = length;
        this.token = Token.EOF;
        return;
      }
      let code = text.charCodeAt(pos);
      if (code === 32 || code === 9 || code === 10 || code === 13) {
        pos++;
        continue;
      }
      this.tokenOffset = pos;
      switch (code) {
        case 123:
          this.pos = pos + 1;
          this.token = Token.OpenBrace;
          return;
        case 125:
          this.pos = pos + 1;
          this.token = Token.CloseBrace;
          return;
        case 91:
          this.pos = pos + 1;
          this.token = Token.OpenBracket;
          return;
        case 93:
          this.pos = pos + 1;
          this.token = Token.CloseBracket;
          return;
        case 58:
          this.pos = pos + 1;
          this.token = Token.Colon;
          return;
        case 44:
          this.pos = pos + 1;
          this.token = Token.Comma;
          return;
        case 34:
          this.pos = this.scanString(pos + 1);
          this.token = Token.String;
          return;
        case 47: {
          const after = text.charCodeAt(pos + 1);
          if (after === 47) {
            pos += 2;
            while (pos < length && (code = text.charCodeAt(pos)) !== 10 && code !== 13) pos++;
            continue;
          }
          if (after === 42) {
            const close = text.indexOf('*/', pos + 2);
            if (close < 0) throw SYNTAX_ERROR;
            pos = close + 2;
            continue;
          }
          throw SYNTAX_ERROR;
        }
        case 45:
          if (pos + 1 >= length || !isDigit(text.charCodeAt(pos + 1))) throw SYNTAX_ERROR;
          this.pos = this.scanNumber(pos + 1);
          this.token = Token.Number;
          return;
        default: {
          if (isDigit(code)) {
            this.pos = this.scanNumber(pos);
            this.token = Token.Number;
            return;
          }
          // A run of other characters: a keyword, or an unknown symbol.
          let end = pos;
          while (end < length && isWordCharacter(text.charCodeAt(end))) end++;
          const word = end - pos;
          if (word === 4 && text.startsWith('true', pos)) this.token = Token.True;
          else if (word === 5 && text.startsWith('false', pos)) this.token = Token.False;
          else if (word === 4 && text.startsWith('null', pos)) this.token = Token.Null;
          else throw SYNTAX_ERROR;
          this.pos = end;
          return;
        }
      }
    }
  }

  /** From just after the opening quote to just after the closing one; checks escapes and characters. */
  private scanString(start: number): number {
    const text = this.text;
    const length = text.length;
    let pos = start;
    let escaped = false;
    for (;;) {
      if (pos >= length) throw SYNTAX_ERROR;
      const code = text.charCodeAt(pos);
      if (code === 34) {
        this.escaped = escaped;
        return pos + 1;
      }
      if (code === 92) {
        escaped = true;
        if (pos + 1 >= length) throw SYNTAX_ERROR;
        const next = text.charCodeAt(pos + 1);
        if (next === 117) {
          for (let k = pos + 2; k < pos + 6; k++) if (!isHexDigit(text.charCodeAt(k))) throw SYNTAX_ERROR;
          pos += 6;
          continue;
        }
        // " \ / b f n r t
        if (next !== 34 && next !== 92 && next !== 47 && next !== 98 && next !== 102 && next !== 110 && next !== 114 && next !== 116) throw SYNTAX_ERROR;
        pos += 2;
        continue;
      }
      if (code < 0x20) throw SYNTAX_ERROR;
      pos++;
    }
  }

  /** jsonc-parser's number grammar: an incomplete fraction or exponent is an error. */
  private scanNumber(start: number): number {
    const text = this.text;
    const length = text.length;
    let pos = start;
    if (text.charCodeAt(pos) === 48) pos++;
    else {
      pos++;
      while (pos < length && isDigit(text.charCodeAt(pos))) pos++;
    }
    if (pos < length && text.charCodeAt(pos) === 46) {
      pos++;
      if (!(pos < length && isDigit(text.charCodeAt(pos)))) throw SYNTAX_ERROR;
      while (pos < length && isDigit(text.charCodeAt(pos))) pos++;
    }
    const e = text.charCodeAt(pos);
    if (pos < length && (e === 69 || e === 101)) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 43 || sign === 45) pos++;
      if (!(pos < length && isDigit(text.charCodeAt(pos)))) throw SYNTAX_ERROR;
      while (pos < length && isDigit(text.charCodeAt(pos))) pos++;
    }
    return pos;
  }

  /** The value of the current string token. */
  private stringValue(): string {
    const raw = this.text.slice(this.tokenOffset + 1, this.pos - 1);
    // The escapes have been checked, so JSON.parse reads them as jsonc-parser does.
    return this.escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /**
   * Reads one value at the current token and attaches it to `parent` (an array node or a
   * property node) when building. `isRoot` marks the template object itself, whose
   * `resources` are filtered. Uses no recursion per nesting level.
   */
  private value(parent: Node | undefined, build: boolean, isRoot: boolean): void {
    const base = this.frameTop;
    const frames = this.frames;
    let attachTo = parent;
    let rootLevel = isRoot;
    for (;;) {
      // 1. A value starts at the current token.
      const top = this.frameTop > base ? frames[this.frameTop - 1] : undefined;
      const container = this.token === Token.OpenBrace || this.token === Token.OpenBracket;
      if (container && build && top?.isResources && this.token === Token.OpenBrace) {
        this.resourceMember(attachTo);
      } else if (container && build && top?.isRoot && this.filter === 'schema' && top.key !== '$schema') {
        this.skip(attachTo);
      } else if (container) {
        const isObject = this.token === Token.OpenBrace;
        let node: Node | undefined;
        if (build) {
          node = { type: isObject ? 'object' : 'array', offset: this.tokenOffset, length: -1, parent: attachTo, children: [] };
          attachTo!.children!.push(node as ReadonlyNode);
        }
        const isResources = top?.isRoot === true && top.key === 'resources';
        this.pushFrame(node, isObject, isResources, rootLevel && isObject);
        rootLevel = false;
        this.next();
      } else {
        this.literal(attachTo, build);
      }
      // 2. Close containers and move to the next value.
      for (;;) {
        if (this.frameTop === base) return;
        const frame = frames[this.frameTop - 1];
        if (frame.property) {
          // The property's value is complete.
          frame.property.length = this.lastEnd - frame.property.offset;
          frame.property = undefined;
        }
        const close = frame.isObject ? Token.CloseBrace : Token.CloseBracket;
        if (this.token === Token.Comma) {
          if (!frame.needsComma) throw SYNTAX_ERROR;
          this.next();
          if (this.is(close)) {
            this.closeContainer();
            continue;
          }
        } else if (this.token === close) {
          this.closeContainer();
          continue;
        } else if (this.token === Token.EOF || frame.needsComma) {
          throw SYNTAX_ERROR;
        }
        frame.needsComma = true;
        if (frame.isObject) {
          if (this.token !== Token.String) throw SYNTAX_ERROR;
          // Skipped containers need no names, except `type` at the top of a skipped resource.
          const name = frame.node ? this.stringValue() : '';
          frame.key = frame.node ? name.toLowerCase() : this.frameTop - base === 1 ? this.skippedKey() : '';
          if (frame.node) {
            const offset = this.tokenOffset;
            const property: Node = { type: 'property', offset, length: -1, parent: frame.node, children: [] };
            property.children!.push({ type: 'string', value: name, offset, length: this.tokenLength, parent: property });
            frame.node.children!.push(property);
            frame.property = property;
          }
          this.next();
          if (!this.is(Token.Colon)) throw SYNTAX_ERROR;
          if (frame.property) frame.property.colonOffset = this.tokenOffset;
          this.next();
          attachTo = frame.property;
        } else {
          attachTo = frame.node;
        }
        break;
      }
    }
  }

  /** End offset of the last value read. */
  private lastEnd = 0;

  private pushFrame(node: Node | undefined, isObject: boolean, isResources: boolean, isRoot: boolean): void {
    const frame = this.frames[this.frameTop];
    if (frame === undefined) {
      this.frames[this.frameTop] = { node, isObject, needsComma: false, property: undefined, key: undefined, isResources, isRoot };
    } else {
      frame.node = node;
      frame.isObject = isObject;
      frame.needsComma = false;
      frame.property = undefined;
      frame.key = undefined;
      frame.isResources = isResources;
      frame.isRoot = isRoot;
    }
    this.frameTop++;
  }

  /**
   * The lower-cased name of the current string token when it is `type` (in any case), else ''
   * (the only name a skipped resource's own properties are asked for), without building the
   * string unless it holds an escape.
   */
  private skippedKey(): string {
    if (this.escaped) return this.stringValue().toLowerCase() === 'type' ? 'type' : '';
    const text = this.text;
    const at = this.tokenOffset + 1;
    return this.pos - this.tokenOffset === 6 &&
      (text.charCodeAt(at) | 32) === 116 /* t */ &&
      (text.charCodeAt(at + 1) | 32) === 121 /* y */ &&
      (text.charCodeAt(at + 2) | 32) === 112 /* p */ &&
      (text.charCodeAt(at + 3) | 32) === 101 /* e */
      ? 'type'
      : '';
  }

  private closeContainer(): void {
    const frame = this.frames[--this.frameTop];
    // Let go of the nodes: the frame is reused.
    const node = frame.node;
    frame.node = undefined;
    frame.property = undefined;
    const end = this.tokenOffset + this.tokenLength;
    if (node) node.length = end - node.offset;
    this.lastEnd = end;
    this.next();
  }

  private literal(parent: Node | undefined, build: boolean): void {
    const token = this.token;
    if (token !== Token.String && token !== Token.Number && token !== Token.Null && token !== Token.True && token !== Token.False) {
      throw SYNTAX_ERROR;
    }
    if (build) {
      const value =
        token === Token.String ? this.stringValue()
        : token === Token.Number ? Number(this.text.slice(this.tokenOffset, this.pos))
        : token === Token.True ? true
        : token === Token.False ? false
        : null;
      const type = value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean');
      parent!.children!.push({ type, offset: this.tokenOffset, length: this.tokenLength, parent, value } as ReadonlyNode);
    }
    this.lastEnd = this.pos;
    this.next();
  }

  /** Kinds of the containers that `skipValue` is inside, innermost last (reused). */
  private readonly kinds: boolean[] = [];

  /**
   * Checks the value at the current token as `value` does without building (the same syntax,
   * trailing commas allowed), with less to do per token: no frames, no nodes. Ends on the token
   * after the value, with `lastEnd` at the value's end. With `wantType`, the value is a
   * resource: the value of its own last `type` property (in any case) goes to `skippedType`
   * when it is a string, else undefined.
   */
  private skipValue(wantType: boolean): void {
    const kinds = this.kinds;
    let depth = 0;
    /** The current property is the resource's own `type`. */
    let isType = false;
    for (;;) {
      // 1. A value starts at the current token.
      const token = this.token;
      // The type of a resource is only known when it is a string, as in the model.
      if (isType) this.skippedType = token === Token.String ? this.stringValue() : undefined;
      if (token === Token.OpenBrace || token === Token.OpenBracket) {
        const isObject = token === Token.OpenBrace;
        kinds[depth++] = isObject;
        isType = false;
        this.next();
        if (this.is(isObject ? Token.CloseBrace : Token.CloseBracket)) {
          this.closeSkipped();
          depth--;
        } else {
          if (isObject) isType = this.skippedProperty(wantType && depth === 1);
          continue;
        }
      } else {
        if (token !== Token.String && token !== Token.Number && token !== Token.Null && token !== Token.True && token !== Token.False) throw SYNTAX_ERROR;
        this.lastEnd = this.pos;
        this.next();
      }
      // 2. Close containers and move to the next value.
      for (;;) {
        if (depth === 0) return;
        const isObject = kinds[depth - 1];
        const close = isObject ? Token.CloseBrace : Token.CloseBracket;
        if (this.token === Token.Comma) {
          this.next();
          if (this.is(close)) {
            this.closeSkipped();
            depth--;
            continue;
          }
          isType = isObject ? this.skippedProperty(wantType && depth === 1) : false;
          break;
        }
        if (this.token !== close) throw SYNTAX_ERROR;
        this.closeSkipped();
        depth--;
      }
    }
  }

  /** At a property name in a skipped object: reads it and its colon; true when it is `type` and `isResource`. */
  private skippedProperty(isResource: boolean): boolean {
    if (!this.is(Token.String)) throw SYNTAX_ERROR;
    const isType = isResource && this.skippedKey() === 'type';
    this.next();
    if (!this.is(Token.Colon)) throw SYNTAX_ERROR;
    this.next();
    return isType;
  }

  private closeSkipped(): void {
    this.lastEnd = this.pos;
    this.next();
  }

  /** A member of the root `resources`: checked first, built only when it may matter. */
  private resourceMember(parent: Node | undefined): void {
    const start = this.tokenOffset;
    this.skippedType = undefined;
    this.skipValue(true);
    const type = this.skippedType as string | undefined; // set by skipValue
    this.skippedType = undefined;
    const end = this.lastEnd;
    // A resource without a string type, or whose type is an expression, may be anything.
    if (this.filter === 'relevant' && (type === undefined || type.startsWith('[') || this.hasMarker(start, end))) {
      // Read it again, this time building it. It has been checked, so it cannot fail, and it
      // ends by scanning the same token that follows it, so the scanner is where it was.
      this.pos = start;
      this.next();
      this.value(parent, true, false);
      return;
    }
    parent!.children!.push({ type: 'object', offset: start, length: end - start, parent, [SKIPPED]: true } as Node);
  }

  /** Checks the container at the current token and records it as a placeholder. */
  private skip(parent: Node | undefined): void {
    const start = this.tokenOffset;
    const type = this.token === Token.OpenBrace ? 'object' : 'array';
    this.skipValue(false);
    parent!.children!.push({ type, offset: start, length: this.lastEnd - start, parent, [SKIPPED]: true } as Node);
  }

  private hasMarker(start: number, end: number): boolean {
    const markers = (this.markers ??= markerOffsets(this.text));
    let low = 0;
    let high = markers.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (markers[mid] < start) low = mid + 1;
      else high = mid;
    }
    return low < markers.length && markers[low] < end;
  }
}

/**
 * The value of the root `$schema` of a text that holds no `\u` escape, as jsonc-parser's
 * `parseTree` and `propertyValue` would give it (the last root `$schema`, in any case; a
 * string, or undefined for any other value and when there is none or the root is not an
 * object), read only as far as needed; `{ known: false }` when that cannot be told without
 * reading the whole text.
 *
 * Without `\u`, a `$schema` key is spelled `$schema` in the text. So when the text never says
 * `$schema`, the root has none; and when the root object's properties read without a syntax
 * error up to a `$schema` and the rest of the text never says `$schema` again, that one is the
 * last: what follows, a syntax error included, cannot change it (parseTree recovers within
 * the root object, and builds nothing after it).
 */
export function readRootSchema(text: string): { known: true; schema: unknown } | { known: false } {
  if (text.includes('\\u')) return { known: false };
  if (!saysSchema(text, 0)) return { known: true, schema: undefined };
  const found = new Reader(text, 'schema').readToRootSchema();
  if (!found) return { known: false };
  return saysSchema(text, found.end) ? { known: false } : { known: true, schema: found.schema };
}

/**
 * True when the text says `$schema` (in any ASCII case, as `toLowerCase` compares keys) at or
 * after `from`. A search for `$`, which templates rarely use elsewhere, is about twice as fast
 * as a case-insensitive regular expression.
 */
function saysSchema(text: string, from: number): boolean {
  const last = text.length - 7;
  for (let at = text.indexOf('$', from); at >= 0 && at <= last; at = text.indexOf('$', at + 1)) {
    if (
      (text.charCodeAt(at + 1) | 32) === 115 /* s */ &&
      (text.charCodeAt(at + 2) | 32) === 99 /* c */ &&
      (text.charCodeAt(at + 3) | 32) === 104 /* h */ &&
      (text.charCodeAt(at + 4) | 32) === 101 /* e */ &&
      (text.charCodeAt(at + 5) | 32) === 109 /* m */ &&
      (text.charCodeAt(at + 6) | 32) === 97 /* a */
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The last tree read. A code action asks for the tree of the text that was just analysed (and
 * each of its fixes asks again); hovers, completions and code lenses of the same text use it
 * too. Nothing modifies the nodes once built. Only one is kept: a second would keep an older
 * version of a large document alive while the user types.
 */
const recent: Array<{ text: string; filter: ResourceFilter; tree: SelectiveTree }> = [];
const RECENT_TREES = 1;

/**
 * Reads a template, building only what the analysis can use (see the file comment). With
 * `remember` false the tree is not kept (and does not push out the one that is): for the
 * intermediate texts of a fix with several changes.
 */
export function readSelectiveTree(text: string, filter: ResourceFilter = 'relevant', remember = true): SelectiveTree {
  const cached = cachedSelectiveTree(text, filter);
  if (cached) return cached;
  const tree = new Reader(text, filter).read();
  if (remember) {
    recent.unshift({ text, filter, tree });
    recent.length = Math.min(recent.length, RECENT_TREES);
  }
  return tree;
}

/** Forgets the trees kept, as if none had been read (for tests of what works without them). */
export function forgetSelectiveTrees(): void {
  recent.length = 0;
}

/** The tree of `text` if one of the last reads was of it, without reading; the most recent first. */
export function cachedSelectiveTree(text: string, filter: ResourceFilter = 'relevant'): SelectiveTree | undefined {
  const index = recent.findIndex((entry) => entry.filter === filter && entry.text.length === text.length && entry.text === text);
  if (index < 0) return undefined;
  const [entry] = recent.splice(index, 1);
  recent.unshift(entry);
  return entry.tree;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** jsonc-parser's "unknown content" characters: anything but whitespace, line breaks and punctuation. */
function isWordCharacter(code: number): boolean {
  switch (code) {
    case 32:
    case 9:
    case 10:
    case 13:
    case 125:
    case 93:
    case 123:
    case 91:
    case 34:
    case 58:
    case 44:
    case 47:
      return false;
  }
  return true;
}
