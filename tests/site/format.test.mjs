// Money, ratio and date formatting: integer math only, no float rounding errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../public-site/js/format.js';
import { t, STRINGS, pickName } from '../../public-site/js/i18n.js';
import * as V from '../../public-site/js/verify.js';

test('fen to yuan with two decimals, exactly', () => {
  assert.equal(F.fenToYuanString(0), '0.00');
  assert.equal(F.fenToYuanString(1), '0.01');
  assert.equal(F.fenToYuanString(10), '0.10');
  assert.equal(F.fenToYuanString(100), '1.00');
  assert.equal(F.fenToYuanString(123456), '1,234.56');
  assert.equal(F.fenToYuanString(-5), '-0.05');
  assert.equal(F.fenToYuanString(-123456789), '-1,234,567.89');
  // values where float division would misround
  assert.equal(F.fenToYuanString(1005), '10.05');
  assert.equal(F.fenToYuanString(Number.MAX_SAFE_INTEGER), '90,071,992,547,409.91');
  assert.equal(F.fenToYuanString('123456789012345678901'), '1,234,567,890,123,456,789.01');
  assert.equal(F.fenToYuanString(12345678901234567890n), '123,456,789,012,345,678.90');
  assert.equal(F.fenToYuanString(1.5), '—');
  assert.equal(F.fenToYuanString('1e3'), '—');
  assert.equal(F.fenToYuanString(null), '—');
  assert.equal(F.formatMoney(123456, 'zh-CN'), '1,234.56 元');
  assert.equal(F.formatMoney(123456, 'en'), '¥1,234.56');
  assert.equal(F.formatMoney(-100, 'en'), '-¥1.00');
  // summing many fen amounts then formatting never drifts
  let sum = 0n;
  for (let i = 0; i < 1000; i++) sum += 10n; // 1000 x 0.10
  assert.equal(F.fenToYuanString(sum), '100.00');
});

test('short money for chart labels', () => {
  assert.equal(F.formatMoneyShort(123456, 'zh-CN'), '1234.56 元');
  assert.equal(F.formatMoneyShort(66080000, 'zh-CN'), '66.08 万元');
  assert.equal(F.formatMoneyShort(123456789012, 'zh-CN'), '12.35 亿元');
  assert.equal(F.formatMoneyShort(66080000, 'en'), '¥660.80K');
  assert.equal(F.formatMoneyShort(123456789012, 'en'), '¥1234.57M');
});

test('ratios and percentages', () => {
  assert.equal(F.ratioToPercent('0.7312'), '73.12%');
  assert.equal(F.ratioToPercent('1.0000'), '100.00%');
  assert.equal(F.ratioToPercent('0.05'), '5.00%');
  assert.equal(F.ratioToPercent('0'), '0.00%');
  assert.equal(F.ratioToPercent('abc'), '—');
  assert.equal(F.percentOf(1, 3), '33.33%');
  assert.equal(F.percentOf(2, 3), '66.67%');
  assert.equal(F.percentOf(5, 0), '—');
});

test('dates', () => {
  assert.equal(F.formatDate('2026-03-01', 'zh-CN'), '2026年3月1日');
  assert.equal(F.formatDate('2026-03-01', 'en'), '1 Mar 2026');
  assert.equal(F.formatDate(undefined), '—');
});

test('every string exists in both languages; every verify step has words for each outcome', () => {
  const zh = Object.keys(STRINGS['zh-CN']).sort();
  const en = Object.keys(STRINGS.en).sort();
  assert.deepEqual(zh, en);
  for (const s of V.STEP_ORDER) {
    for (const st of ['ok', 'failed', 'skipped']) {
      assert.ok(STRINGS['zh-CN'][`step.${s}.${st}`], `zh step.${s}.${st}`);
      assert.ok(STRINGS.en[`step.${s}.${st}`], `en step.${s}.${st}`);
    }
  }
  assert.equal(t('entries.page', { n: 3 }, 'en'), 'Page 3');
  assert.equal(pickName({ zh: '基金', en: 'Fund' }, 'en'), 'Fund');
  assert.equal(pickName({ zh: '基金' }, 'en'), '基金');
});

test('vendored libraries match node_modules', { skip: !(await import('node:fs')).existsSync(new URL('../../node_modules/echarts/package.json', import.meta.url)) && 'node_modules not installed' }, async () => {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [new URL('./vendor.mjs', import.meta.url).pathname, '--check'], { stdio: 'pipe' });
});
