import * as assert from 'node:assert/strict';
import { getNodePath, parseTree } from 'jsonc-parser';
import { parseExpression, type ExpressionNode } from '../../server/src/analysis/expressions/parser';
import { UNKNOWN, type Value } from '../../server/src/analysis/expressions/values';
import { TemplateScope } from '../../server/src/analysis/template-scope';

/** A compact, hand-checkable rendering of a parse tree. */
function show(node: ExpressionNode): string {
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'call':
      return `${node.namespace ? `${node.namespace}.` : ''}${node.name}(${node.args.map(show).join(', ')})`;
    case 'property':
      return `${show(node.target)}.${node.name}`;
    case 'index':
      return `${show(node.target)}[${show(node.index)}]`;
  }
}

describe('expression parser', () => {
  const valid: Array<[string, string]> = [
    ["[parameters('x')]", 'parameters("x")'],
    ["[PARAMETERS( 'x' )]", 'parameters("x")'],
    ["[concat('a', 'b''c', '')]", 'concat("a", "b\'c", "")'],
    ['[add(1, -2)]', 'add(1, -2)'],
    ['[createArray(true, false, null)]', 'createarray(true, false, null)'],
    ['[true()]', 'true()'],
    ["[resourceGroup().location]", 'resourcegroup().location'],
    ["[parameters('o').a.b]", 'parameters("o").a.b'],
    ["[parameters('o')['a b']]", 'parameters("o")["a b"]'],
    ["[parameters('arr')[0].name]", 'parameters("arr")[0].name'],
    ["[variables('v')[parameters('i')]]", 'variables("v")[parameters("i")]'],
    ["[myNs.myFunc('a')]", 'myns.myfunc("a")'],
    ["[if(not(empty(parameters('s'))), variables('t'), null())]", 'if(not(empty(parameters("s"))), variables("t"), null())'],
    ["[ concat( 'a' , 'b' ) ]", 'concat("a", "b")'],
    ["[reference(resourceId('Microsoft.Network/publicIPAddresses', 'ip')).dnsSettings.fqdn]", 'reference(resourceid("Microsoft.Network/publicIPAddresses", "ip")).dnsSettings.fqdn'],
    ["['[brackets] inside']", '"[brackets] inside"'],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${text}`, () => {
      const result = parseExpression(text);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(show(result.expression), expected);
    });
  }

  const invalid: Array<[string, number]> = [
    ["[listAll(parameters('x'), 'v'))]", 30],
    ['[]', 1],
    ["[concat('a']", 11],
    ["[concat('a' 'b')]", 12],
    ['[parameters]', 11],
    ["[parameters('x').]", 17],
    ["[parameters('x')[0]", 18],
    ['[-]', 1],
    ['[@]', 1],
    ["[concat('unclosed)]", 8],
  ];
  for (const [text, offset] of invalid) {
    it(`reports a syntax error in ${text} at ${offset}`, () => {
      const result = parseExpression(text);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.error.offset, offset, result.error.message);
        assert.ok(result.error.message.length > 0);
      }
    });
  }

  it('never throws, and bounds its depth', () => {
    const deep = `[${'concat('.repeat(5000)}'a'${')'.repeat(5000)}]`;
    const result = parseExpression(deep);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error.message, /nested more than/);
    for (const text of ['[', '[[', "['", "[a(b(c('", '[).(]', '[1.]', '[ns.]', "[a'b']", '[\u0000]']) {
      assert.doesNotThrow(() => parseExpression(text), text);
    }
  });
});

/** Evaluates `expression` in a template with the given parameters and variables. */
function evaluateIn(expression: string, parameters: Record<string, unknown> = {}, variables: Record<string, unknown> = {}): Value {
  const text = JSON.stringify({ parameters, variables, probe: expression });
  const root = parseTree(text)!;
  const scope = TemplateScope.ofTemplate(root);
  const probe = root.children!.find((p) => p.children![0].value === 'probe')!.children![1];
  return scope.trace(probe).value();
}

const p = (defaultValue: unknown) => ({ type: 'string', defaultValue });
const noDefault = { type: 'string' };

describe('expression evaluator', () => {
  const cases: Array<[string, Value, Record<string, unknown>?, Record<string, unknown>?]> = [
    // parameters and variables, case-insensitive names
    ["[parameters('Name')]", 'sf', { name: p('sf') }],
    ["[parameters('missing')]", UNKNOWN],
    ["[parameters('x')]", UNKNOWN, { x: noDefault }],
    ["[variables('A')]", 'b', {}, { a: "[variables('b')]", b: 'b' }],
    ["[variables('loop1')]", UNKNOWN, {}, { loop1: "[variables('loop2')]", loop2: "[variables('loop1')]" }],
    ["[variables('self').x]", UNKNOWN, {}, { self: { x: "[variables('self').x]" } }],
    ["[variables('lit')]", '[not an expression]', {}, { lit: '[[not an expression]' }],
    // concat / format
    ["[concat('6.4', '.', '654.9590')]", '6.4.654.9590'],
    ["[concat(parameters('c'), '/app')]", 'sf/app', { c: p('sf') }],
    ["[concat(createArray(1), createArray(2, 3))]", [1, 2, 3]],
    ["[concat('a', 1)]", 'a1'],
    ["[concat('a', parameters('x'))]", UNKNOWN, { x: noDefault }],
    ["[format('{0}/{1}', 'c', 'app')]", 'c/app'],
    ["[format('{{{0}}}', 'x')]", '{x}'],
    ["[format('{0}', true)]", 'True'],
    ["[format('{0:N2}', 1)]", UNKNOWN],
    ["[format('{1}', 'only one')]", UNKNOWN],
    // if is lazy: the branch not taken may be unknown
    ["[if(true(), 'yes', parameters('x'))]", 'yes', { x: noDefault }],
    ["[if(equals(1, 2), 'yes', 'no')]", 'no'],
    ["[if(parameters('x'), 'yes', 'no')]", UNKNOWN, { x: noDefault }],
    ["[if('true', 'yes', 'no')]", UNKNOWN],
    // equals is deep and case-sensitive for strings
    ["[equals('a', 'A')]", false],
    ["[equals(createObject('A', createArray(1)), json('{\"a\":[1]}'))]", true],
    ["[equals(1, '1')]", false],
    ["[equals(parameters('x'), 'a')]", UNKNOWN, { x: noDefault }],
    // not / and / or, three-valued
    ['[not(true)]', false],
    ["[not('true')]", UNKNOWN],
    ["[and(true, false, parameters('x'))]", false, { x: noDefault }],
    ["[and(true, parameters('x'))]", UNKNOWN, { x: noDefault }],
    ["[or(false, true)]", true],
    ["[or(false, parameters('x'))]", UNKNOWN, { x: noDefault }],
    // empty / coalesce / contains
    ["[empty('')]", true],
    ["[empty(parameters('s'))]", true, { s: p([]) }],
    ["[empty(json('{}'))]", true],
    ["[empty(null())]", true],
    ["[empty(createArray(parameters('x')))]", false, { x: noDefault }],
    ["[coalesce(null(), '', 'b')]", ''],
    ["[coalesce(null(), null())]", null],
    ["[coalesce(parameters('x'), 'b')]", UNKNOWN, { x: noDefault }],
    ["[contains('OneTwo', 'Two')]", true],
    ["[contains('OneTwo', 'two')]", false],
    ["[contains(json('{\"Key\":1}'), 'KEY')]", true],
    ["[contains(createArray('a', 'b'), 'b')]", true],
    // strings
    ["[toLower('MiXed')]", 'mixed'],
    ["[toUpper('MiXed')]", 'MIXED'],
    ["[string(json('{\"a\": [1, \"b\"]}'))]", '{"a":[1,"b"]}'],
    ['[string(5)]', '5'],
    ['[string(true)]', UNKNOWN],
    ["[split('a,b;c', createArray(',', ';'))]", ['a', 'b', 'c']],
    ["[split('a/b', '/')]", ['a', 'b']],
    ["[replace('6.4.1.1', '.', '-')]", '6-4-1-1'],
    ["[length('abc')]", 3],
    ["[length(createArray(1, 2))]", 2],
    ["[length(json('{\"a\":1}'))]", 1],
    ["[first('abc')]", 'a'],
    ["[last(createArray(1, 2, 3))]", 3],
    ["[first(createArray())]", UNKNOWN],
    // conversions
    ["[bool('TRUE')]", true],
    ['[bool(0)]', false],
    ["[bool('yes')]", UNKNOWN],
    ["[int('42')]", 42],
    ["[int('4.2')]", UNKNOWN],
    ["[json('not json')]", UNKNOWN],
    ["[json('null')]", null],
    // objects and arrays
    ["[createObject('a', 1, 'b', createArray('x'))]", { a: 1, b: ['x'] }],
    ["[createObject('a')]", UNKNOWN],
    ["[union(json('{\"a\":{\"x\":1},\"b\":1}'), json('{\"A\":{\"y\":2}}'))]", { a: { x: 1, y: 2 }, b: 1 }],
    ["[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]],
    ["[tryGet(parameters('o'), 'a', 'b')]", 'deep', { o: { type: 'object', defaultValue: { a: { b: 'deep' } } } }],
    ["[tryGet(parameters('o'), 'missing')]", null, { o: { type: 'object', defaultValue: { a: 1 } } }],
    ["[parameters('o').A]", 1, { o: { type: 'object', defaultValue: { a: 1 } } }],
    ["[parameters('o')['a']]", 1, { o: { type: 'object', defaultValue: { a: 1 } } }],
    ["[parameters('o').missing]", UNKNOWN, { o: { type: 'object', defaultValue: { a: 1 } } }],
    ["[parameters('arr')[1]]", 'b', { arr: { type: 'array', defaultValue: ['a', 'b'] } }],
    ["[parameters('arr')[5]]", UNKNOWN, { arr: { type: 'array', defaultValue: ['a', 'b'] } }],
    // nested expressions inside parameter values are evaluated in the template's scope
    ["[parameters('o').v]", 'x-y', { o: { type: 'object', defaultValue: { v: "[concat('x-', variables('y'))]" } } }, { y: 'y' }],
    // environment-dependent and unsupported functions are unknown, and unknown propagates
    ['[resourceGroup().location]', UNKNOWN],
    ["[concat(subscription().subscriptionId, 'x')]", UNKNOWN],
    ["[uniqueString('a')]", UNKNOWN],
    ['[utcNow()]', UNKNOWN],
    ["[toLower(reference('x').y)]", UNKNOWN],
    ["[ns.fn('a')]", UNKNOWN],
    ["[concat('a', ')'", '[concat(\'a\', \')\''], // does not end with ], so it is a literal string
    ["[concat('a'", '[concat(\'a\''],
    ["[concat('a' 'b')]", UNKNOWN], // a syntax error is unknown here (and a diagnostic elsewhere)
    ['plain', 'plain'],
  ];
  for (const [expression, expected, parameters, variables] of cases) {
    it(`${expression} -> ${expected === UNKNOWN ? 'unknown' : JSON.stringify(expected)}`, () => {
      assert.deepEqual(evaluateIn(expression, parameters, variables), expected);
    });
  }

  it('builds variables from copy blocks, with copyIndex', () => {
    const variables = {
      copy: [{ name: 'disks', count: 3, input: { name: "[concat('disk', copyIndex('disks', 1))]", lun: "[copyIndex('disks')]" } }],
    };
    assert.deepEqual(evaluateIn("[variables('disks')]", {}, variables), [
      { name: 'disk1', lun: 0 },
      { name: 'disk2', lun: 1 },
      { name: 'disk3', lun: 2 },
    ]);
    const unknownCount = { copy: [{ name: 'n', count: "[parameters('x')]", input: 'a' }] };
    assert.equal(evaluateIn("[variables('n')]", { x: noDefault }, unknownCount), UNKNOWN);
  });

  it('keeps the literal node a value passes through, and none for a computed value', () => {
    const text = JSON.stringify({
      parameters: { v: { defaultValue: '6.4.1.1' } },
      variables: { picked: "[if(true(), parameters('v'), 'x')]", built: "[concat(parameters('v'), '')]" },
      a: "[variables('picked')]",
      b: "[variables('built')]",
    });
    const root = parseTree(text)!;
    const scope = TemplateScope.ofTemplate(root);
    const value = (name: string) => root.children!.find((prop) => prop.children![0].value === name)!.children![1];
    const picked = scope.trace(value('a'));
    assert.deepEqual(getNodePath(picked.node!), ['parameters', 'v', 'defaultValue']);
    assert.deepEqual(picked.steps.map((s) => `${s.kind}:${s.name}`), ['variable:picked', 'parameter:v']);
    const built = scope.trace(value('b'));
    assert.equal(built.value(), '6.4.1.1');
    assert.equal(built.node, undefined);
  });

  it('values from outside (a parameter file) win over defaults', () => {
    const root = parseTree(JSON.stringify({ parameters: { v: { defaultValue: 'default' } }, probe: "[parameters('V')]" }))!;
    const given = parseTree('"given"')!;
    const scope = TemplateScope.ofTemplate(root, { parameterValues: new Map([['v', { name: 'v', value: given }]]) });
    const probe = root.children![1].children![1];
    assert.equal(scope.trace(probe).value(), 'given');
    // The node is the parameter file's: source-documents.ts tags ranges and fixes there with its URI.
    assert.equal(scope.trace(probe).node, given);
    assert.deepEqual(scope.trace(probe).steps.map((s) => [s.kind, s.name]), [['parameter', 'v']]);
  });

  it('a parameter given without a readable value (a Key Vault reference) is unknown, not its default', () => {
    const root = parseTree(JSON.stringify({ parameters: { v: { defaultValue: 'default' } }, probe: "[parameters('v')]" }))!;
    const scope = TemplateScope.ofTemplate(root, { parameterValues: new Map([['v', { name: 'v', value: undefined }]]) });
    assert.equal(scope.trace(root.children![1].children![1]).value(), UNKNOWN);
  });

  it('values from a parameter file are plain JSON: a string there that looks like an expression is unknown, never evaluated', () => {
    const root = parseTree(JSON.stringify({ parameters: { o: {} }, probe: "[parameters('o').inner]", other: "[parameters('o').plain]" }))!;
    const given = parseTree(JSON.stringify({ inner: "[concat('a', 'b')]", plain: 'x' }))!;
    const scope = TemplateScope.ofTemplate(root, { parameterValues: new Map([['o', { name: 'o', value: given }]]) });
    assert.equal(scope.trace(root.children![1].children![1]).value(), UNKNOWN);
    assert.equal(scope.trace(root.children![2].children![1]).value(), 'x');
  });
});
