// The back office's amounts (public-site/js/admin/money.js): yuan typed by a
// clerk become integer fen by text arithmetic, never through a float, and
// anything else is refused naming why; percentages become basis points; the
// import page's CSV reader splits records as the server's does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseYuan, parsePercent, bpToPercent, fenToInput, MAX_FEN } from '../../public-site/js/admin/money.js';
import { readCsv } from '../../public-site/js/admin/csv-read.js';

test('yuan to fen: exact, separators and full-width digits allowed', () => {
  const cases = [
    ['1', 100], ['0.01', 1], ['0.1', 10], ['12.3', 1230], ['1234.56', 123456], ['1,234.56', 123456], ['1,234,567', 123456700],
    ['  8 ', 800], ['１２３．４５', 12345], ['１２,３４５.６７', 1234567], ['5元', 500], ['0.29', 29], ['1.15', 115], ['4.35', 435],
    // Values whose float product is off by one fen: 0.29 * 100 = 28.999999999999996, 4.35 * 100 = 434.99999999999994.
    ['999999999999.99', 99999999999999],
  ];
  for (const [input, fen] of cases) assert.deepEqual(parseYuan(input), { fen }, input);
});

test('yuan: everything else is refused with its reason', () => {
  const cases = [
    ['', 'empty'], ['   ', 'empty'], ['0', 'zero'], ['0.00', 'zero'], ['-1', 'format'], ['1.005', 'format'], ['1e3', 'format'],
    ['0x10', 'format'], ['1,23', 'format'], ['12,34.5', 'format'], ['1.2.3', 'format'], ['Infinity', 'format'], ['NaN', 'format'],
  ];
  for (const [input, why] of cases) assert.deepEqual(parseYuan(input), { error: why }, input);
  // Spaces inside are dropped as a clerk's typo: "1 000" is 1000 yuan.
  assert.deepEqual(parseYuan('1 000'), { fen: 100000 });
  // The per-entry ceiling, 10^14 fen, exactly.
  assert.deepEqual(parseYuan('1000000000000'), { fen: Number(MAX_FEN) });
  assert.deepEqual(parseYuan('1000000000000.01'), { error: 'ceiling' });
  assert.deepEqual(parseYuan('99999999999999999999999'), { error: 'ceiling' });
  // Zero where a form allows it (net assets), and a form's own ceiling.
  assert.deepEqual(parseYuan('0', { allowZero: true }), { fen: 0 });
  assert.deepEqual(parseYuan('11', { max: 1000n }), { error: 'ceiling' });
});

test('percent to basis points, and back', () => {
  for (const [input, bp] of [['5', 500], ['5.5', 550], ['5.05', 505], ['0', 0], ['100', 10000], ['12.25%', 1225], ['１３', 1300]]) {
    assert.deepEqual(parsePercent(input), { bp }, input);
  }
  for (const [input, why] of [['', 'empty'], ['100.01', 'range'], ['5.555', 'format'], ['-1', 'format'], ['1e2', 'format']]) {
    assert.deepEqual(parsePercent(input), { error: why }, input);
  }
  assert.equal(bpToPercent(550), '5.5');
  assert.equal(bpToPercent(505), '5.05');
  assert.equal(bpToPercent(1300), '13');
  assert.equal(fenToInput(123456), '1234.56');
  assert.equal(fenToInput(5), '0.05');
});

test('the import preview reads CSV records as the server does', () => {
  const recs = readCsv('\ufefffund,amount,donor.public_name\r\nf1,100,"Wang, Li"\n\nf1,200,"a ""quoted""\nline"\n');
  assert.deepEqual(recs.map((r) => r.cells), [['fund', 'amount', 'donor.public_name'], ['f1', '100', 'Wang, Li'], ['f1', '200', 'a "quoted"\nline']]);
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 4]);
  assert.equal(readCsv('a,b\n"x,y\n'), null, 'a quoted field that never ends');
  assert.equal(readCsv('a,b\nx"y,z\n'), null, 'a quote inside an unquoted field');
});
