// CSV for spreadsheets (public-site/js/csv.js), the Chinese-only test (public-site/js/text.js), and the year helpers of
// public-site/js/years.js that need no server.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BOM, csvCell, yuan, toCsv } from '../../public-site/js/csv.js';
import { isChineseOnly } from '../../public-site/js/text.js';
import { reportHasActivity, yearList } from '../../public-site/js/years.js';

test('CSV: BOM, CRLF, RFC 4180 quoting', () => {
  const s = toCsv(['名称', '金额（元）'], [['a,b', '1.00'], ['say "hi"', '2.50'], ['two\nlines', '']]);
  assert.ok(s.startsWith(BOM), 'UTF-8 byte order mark first, for Excel');
  assert.equal(s, BOM + '名称,金额（元）\r\n"a,b",1.00\r\n"say ""hi""",2.50\r\n"two\nlines",\r\n');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(0), '0');
});

test('CSV: formula-looking text is written as text; numbers, negative ones included, stay numbers', () => {
  for (const bad of ['=HYPERLINK("http://x","y")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1', '=1+1']) {
    const c = csvCell(bad);
    assert.ok(c.startsWith("'") || c.startsWith('"\''), `${JSON.stringify(bad)} -> ${c}`);
  }
  assert.equal(csvCell('-12.00'), '-12.00');
  assert.equal(csvCell('+5'), '+5');
  assert.equal(csvCell('-3'), '-3');
  assert.equal(csvCell('正常文字'), '正常文字');
});

test('CSV amounts: yuan from fen, exact, no separators', () => {
  assert.equal(yuan(0), '0.00');
  assert.equal(yuan(5), '0.05');
  assert.equal(yuan(123456), '1234.56');
  assert.equal(yuan(-123456), '-1234.56');
  assert.equal(yuan('900719925474099312'), '9007199254740993.12');
  assert.equal(yuan(1.5), '');
  assert.equal(yuan(undefined), '');
});

test('Chinese-only text', () => {
  assert.equal(isChineseOnly('贫困大学生资助'), true);
  assert.equal(isChineseOnly('资助项目 2016-03'), true);
  assert.equal(isChineseOnly('人员及办公费用 staff and office'), false);
  assert.equal(isChineseOnly('HCCF-2016-00001'), false);
  assert.equal(isChineseOnly(''), false);
  assert.equal(isChineseOnly(undefined), false);
});

test('a report shows activity when money moved or entries were counted, not for carried balances', () => {
  assert.equal(reportHasActivity({ totals: { opening: '5', income: 0, granted: 0, disbursed: 0, used: 0, admin_cost: 0, closing: '5' }, funds: [{ counts: { donations: 0 } }] }), false);
  assert.equal(reportHasActivity({ totals: { income: 100 } }), true);
  assert.equal(reportHasActivity({ totals: {}, funds: [{ counts: { grants: 1 } }] }), true);
  assert.equal(reportHasActivity(null), false);
  assert.deepEqual(yearList({ first: 2016, last: 2020 }), [2016, 2017, 2018, 2019, 2020]);
  assert.deepEqual(yearList(null), []);
});
