// The 360Giving export of a real ledgerd (build/bin, `ledgerctl demo` loaded)
// against the 360Giving Data Standard itself: the package schema and the
// grant schema exactly as published (../shared/standards/360giving, schema
// 1.4.3, read unchanged; the package schema's $ref to the 1.4.2 grant schema
// URL is mapped to the local grant schema file), validated by Ajv's JSON
// Schema 2020-12 validator with ajv-formats, and every grant-to-individuals
// code checked against the standard's codelist CSV files.
//
// Beyond the schema: grants to individuals carry no recipient name or
// personal data, organisation ids use a register code or the publisher's
// prefix, amounts are written as yuan with exactly two decimals and add up,
// and the funder is the organisation of the ledger's org.profile.
//
// Skipped (with a message) while build/bin/ledgerd and ledgerctl are not
// built, unless E2E_REQUIRE_LEDGERD=1 (make test), which makes that a failure.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { haveBinaries, MISSING_MESSAGE, startLedgerd, ROOT } from '../site/helpers/ledgerd.mjs';

// The standards files live beside the repository (as for tests/tlog's
// transparency-dev-merkle vectors): LEDGER_STANDARDS_DIR, else ../shared/standards.
const STANDARDS = process.env.LEDGER_STANDARDS_DIR || path.resolve(ROOT, '../shared/standards');
const DIR = path.join(STANDARDS, '360giving');

const required = process.env.E2E_REQUIRE_LEDGERD === '1';
const skip = haveBinaries() || required ? false : MISSING_MESSAGE;
if (skip) console.log(`# 360Giving tests skipped: ${MISSING_MESSAGE}`);

const readJson = (name) => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));

// RFC 4180 records of a small CSV file (quoted fields, doubled quotes).
export function parseCsv(text) {
  const rows = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rows[rows.length - 1].push(field); field = ''; }
    else if (c === '\n') { rows[rows.length - 1].push(field.replace(/\r$/, '')); field = ''; rows.push([]); }
    else field += c;
  }
  if (field !== '' || rows[rows.length - 1].length) rows[rows.length - 1].push(field);
  return rows.filter((r) => r.length > 1 || (r.length === 1 && r[0] !== ''));
}

function codelist(name) {
  const rows = parseCsv(fs.readFileSync(path.join(DIR, name), 'utf8'));
  assert.equal(rows[0][0], 'Code', `${name} header`);
  return new Set(rows.slice(1).map((r) => r[0]));
}

// A validator of the package schema with the grant schema resolvable at the
// URL the package schema names.
export function packageValidator() {
  const pkg = readJson('360-giving-package-schema.json');
  const grant = readJson('360-giving-schema.json');
  const ref = pkg.properties.grants.items.$ref;
  assert.match(ref, /^https:\/\/raw\.githubusercontent\.com\/ThreeSixtyGiving\/standard\/.*\/360-giving-schema\.json$/);
  const ajv = new Ajv2020({ allErrors: true, validateSchema: false });
  addFormats(ajv);
  // The schema's own annotation keywords (codelists and spreadsheet roll-up).
  ajv.addVocabulary(['codelist', 'openCodelist', 'rollUp']);
  ajv.addSchema({ ...grant, $id: ref });
  return ajv.compile(pkg);
}

const errorsText = (errors) => (errors || []).slice(0, 10).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('\n');

// "1234.50" -> 123450 fen; the text must be a decimal with exactly two places.
function fenOf(text) {
  assert.match(text, /^-?[0-9]+\.[0-9]{2}$/, `amount ${text} is not yuan with two decimals`);
  return BigInt(text.replace('.', ''));
}

// Every number written after `"name":` in the raw JSON text, in order.
function rawNumbers(text, name) {
  const re = new RegExp(`"${name}":\\s*(-?[0-9][0-9.eE+-]*)`, 'g');
  return [...text.matchAll(re)].map((m) => m[1]);
}

test('the 360Giving schema files are the published ones, read unchanged', () => {
  const pkg = readJson('360-giving-package-schema.json');
  const grant = readJson('360-giving-schema.json');
  assert.equal(grant.$schema, 'http://json-schema.org/draft/2020-12/schema');
  assert.match(grant.$id, /ThreeSixtyGiving\/standard\/1\.4\.\d\/schema\/360-giving-schema\.json$/);
  assert.ok(grant.properties.recipientIndividual && grant.properties.toIndividualsDetails);
  assert.deepEqual(pkg.required, ['grants']);
  // The validator refuses what the schema refuses (so a passing export means something).
  const validate = packageValidator();
  const ok = {
    id: '360G-x-1', title: 't', description: 'd', currency: 'CNY', amountAwarded: 1.5, awardDate: '2020-01-02',
    recipientIndividual: { id: '360G-x-IND-1', name: 'Individual Recipient' },
    fundingOrganization: [{ id: 'CN-USCI-51441302MJL000000X', name: 'f' }],
  };
  assert.ok(validate({ grants: [ok], version: '1.4' }), errorsText(validate.errors));
  for (const [what, bad] of [
    ['both recipients', { ...ok, recipientOrganization: [{ id: 'o', name: 'o' }] }],
    ['no recipient', (({ recipientIndividual, ...g }) => g)(ok)],
    ['amount as a string', { ...ok, amountAwarded: '1.50' }],
    ['a date with a day 32', { ...ok, awardDate: '2020-01-32' }],
    ['an unknown currency', { ...ok, currency: 'RMB' }],
    ['a funder without a name', { ...ok, fundingOrganization: [{ id: 'x' }] }],
  ]) {
    assert.equal(validate({ grants: [bad] }), false, what);
  }
  assert.equal(validate({ grants: [ok], version: '1.4.3' }), false, 'version is major.minor');
  assert.equal(validate({ grants: [ok], license: 'not a uri' }), false, 'license is a URI');
});

test('GET /api/v1/export/360giving.json of the demo is valid 360Giving data', { skip, timeout: 180000 }, async (t) => {
  const srv = await startLedgerd();
  t.after(() => srv.stop());
  assert.equal(srv.mode, 'funds', `ledgerd has no charity domain: ${srv.demoError}`);
  const res = await fetch(srv.url + 'api/v1/export/360giving.json');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const text = await res.text();
  const pkg = JSON.parse(text);
  const org = await (await fetch(srv.url + 'api/v1/organisation')).json();
  const funds = await (await fetch(srv.url + 'api/v1/funds')).json();
  const fundList = funds.funds || funds;

  await t.test('the package and every grant validate against the schema files', () => {
    const validate = packageValidator();
    const ok = validate(pkg);
    assert.ok(ok, errorsText(validate.errors));
    assert.ok(pkg.grants.length > 1000, `${pkg.grants.length} grants`);
  });

  await t.test('package metadata: version, license, publisher from the organisation profile', () => {
    assert.equal(pkg.version, '1.4');
    assert.match(pkg.license, /^https:\/\/creativecommons\.org\/licenses\/by\/4\.0\/$/);
    const now = org.current;
    assert.equal(pkg.publisher.name, now.name.zh);
    assert.match(pkg.title, /示例区慈善总会/);
    // The demo is fictional: the package says so.
    assert.match(pkg.description, /示例数据/);
    assert.match(pkg.description, /sample data/);
  });

  // The prefix `ledgerctl demo` configured (DIR/360giving.json).
  const settings = JSON.parse(fs.readFileSync(path.join(srv.dataDir, '360giving.json'), 'utf8'));
  const prefix = settings.prefix;
  await t.test('ids: the registered 360G prefix; funder from the profile; no invented register ids', () => {
    assert.match(prefix, /^360G-[A-Za-z0-9]/);
    assert.equal(pkg.identifier, `${prefix}-tree-${pkg.grants[0].ledgerIndex.treeSize}`);
    const ids = new Set();
    for (const g of pkg.grants) {
      assert.ok(g.id.startsWith(prefix + '-'), g.id);
      assert.ok(!ids.has(g.id), `duplicate ${g.id}`);
      ids.add(g.id);
      const f = g.fundingOrganization[0];
      // The demo profile records no USCC: the funder is named under the prefix, never CN-USCI-<invented>.
      assert.equal(f.id, prefix);
      assert.equal(f.name, '示例区慈善总会');
      assert.equal(f.alternateName, 'Sample District Charity Federation');
      if (g.recipientOrganization) {
        for (const o of g.recipientOrganization) assert.ok(o.id.startsWith(prefix + '-ORG-'), o.id);
      }
    }
  });

  await t.test('grants to individuals: recipientIndividual without personal data, codes from the codelists', () => {
    const reasons = codelist('grantToIndividualsReason.csv');
    const purposes = codelist('grantToIndividualsPurpose.csv');
    const charity = new Set(fundList.filter((f) => f.kind === 'charity').map((f) => f.name.zh));
    let individuals = 0;
    let organisations = 0;
    for (const g of pkg.grants) {
      const fund = g.fundingOrganization[0].department;
      if (g.recipientIndividual) {
        individuals++;
        assert.ok(charity.has(fund), `${g.id}: an individual grant of ${fund}`);
        assert.equal(g.recipientIndividual.name, 'Individual Recipient');
        assert.ok(g.recipientIndividual.id.startsWith(prefix + '-IND-'), g.recipientIndividual.id);
        assert.deepEqual(Object.keys(g.recipientIndividual).sort(), ['id', 'name']);
        const d = g.toIndividualsDetails;
        assert.ok(d, `${g.id} has no toIndividualsDetails`);
        assert.ok(reasons.has(d.primaryGrantReason), `${g.id}: reason ${d.primaryGrantReason}`);
        if (d.secondaryGrantReason !== undefined) {
          assert.ok(reasons.has(d.secondaryGrantReason), `${g.id}: reason ${d.secondaryGrantReason}`);
          assert.notEqual(d.secondaryGrantReason, d.primaryGrantReason);
        }
        for (const p of d.grantPurpose || []) assert.ok(purposes.has(p), `${g.id}: purpose ${p}`);
        // The demo's recipient names ("困难家庭 0001") never reach the export.
        assert.doesNotMatch(JSON.stringify(g), /困难家庭 \d|受助大学生 \d|民警家庭 \d|计生困难家庭 \d/);
        for (const loc of g.beneficiaryLocation || []) assert.equal(loc.countryCode, 'CN');
      } else {
        organisations++;
        assert.ok(!charity.has(fund), `${g.id}: an organisation grant of charity fund ${fund}`);
        assert.equal(g.toIndividualsDetails, undefined);
      }
    }
    assert.equal(individuals, 880 + 211 + 64 + 204);
    assert.ok(organisations > 0);
    // Payments name their area (a sub-district), never an address.
    assert.ok(pkg.grants.some((g) => g.recipientIndividual && g.beneficiaryLocation && g.beneficiaryLocation.length));
  });

  await t.test('amounts are yuan with exactly two decimals, and disbursements add up', () => {
    const awarded = rawNumbers(text, 'amountAwarded');
    const disbursed = rawNumbers(text, 'amountDisbursed');
    const values = rawNumbers(text, 'value');
    assert.equal(awarded.length, pkg.grants.length);
    assert.equal(disbursed.length, pkg.grants.length);
    assert.ok(values.length >= pkg.grants.length - 10);
    for (const a of [...awarded, ...disbursed, ...values]) fenOf(a);
    let vi = 0;
    const byProgramme = new Map();
    for (let i = 0; i < pkg.grants.length; i++) {
      const g = pkg.grants[i];
      const txs = g.disbursementTransaction || [];
      let sum = 0n;
      for (const tx of txs) {
        sum += fenOf(values[vi++]);
        assert.equal(tx.currency, 'CNY');
        assert.ok(tx.id.startsWith(g.id + '-'), tx.id);
        assert.equal(tx.provider, g.fundingOrganization[0].id);
        assert.equal(tx.recipient, (g.recipientIndividual || g.recipientOrganization[0]).id);
      }
      assert.equal(sum, fenOf(disbursed[i]), `${g.id}: transactions add up to amountDisbursed`);
      assert.equal(fenOf(awarded[i]), BigInt(g.ledgerIndex.amountAwardedFen), g.id);
      assert.equal(fenOf(disbursed[i]), BigInt(g.ledgerIndex.amountDisbursedFen), g.id);
      const dept = g.fundingOrganization[0].department;
      byProgramme.set(dept, (byProgramme.get(dept) || 0n) + fenOf(disbursed[i]));
    }
    assert.equal(vi, values.length);
    // The district plan's figures (ledger/funds/demo.h), to the fen.
    assert.equal(byProgramme.get('重大疾病救助'), 471380000n);
    assert.equal(byProgramme.get('贫困大学生资助'), 78000000n);
    assert.equal(byProgramme.get('公安民警救助基金'), 86380000n);
    assert.equal(byProgramme.get('生育关怀资金'), 102000000n);
  });
});

test('without 360Giving settings the export is refused, naming what is missing', { skip, timeout: 60000 }, async (t) => {
  const srv = await startLedgerd({ demo: false });
  t.after(() => srv.stop());
  const res = await fetch(srv.url + 'api/v1/export/360giving.json');
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  const p = await res.json();
  assert.match(p.detail, /360giving\.json/);
  assert.match(p.detail, /prefix/);
});
