import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { languageOf, renderBackorderMessage, type BackorderMessageInput } from './notifications.templates.ts';

const base: BackorderMessageInput = {
  idbackorder: 42,
  customer: { name: 'Anna', emailaddress: 'anna@example.nl', language: 'nl' },
  product: { productcode: 'MUG-1', name: 'Mug' },
  amount: 2,
  status: 'pending',
  estimated_ship_date: '2025-12-01',
  estimated_delivery_date: '2025-12-03',
};

test('when the language is nl or a Dutch variant, then Dutch; anything else is English', () => {
  for (const l of ['nl', 'NL', 'nl-NL', 'nl_BE']) assert.equal(languageOf(l), 'nl', l);
  for (const l of ['en', 'de', 'nld', '', null, undefined]) assert.equal(languageOf(l), 'en', String(l));
});

test('when rendering, then status labels and dates are in the language and unknown dates say so', () => {
  const nl = renderBackorderMessage({ ...base, estimated_delivery_date: null });
  assert.equal(nl.subject, 'Update over uw nabestelling 42: Mug');
  assert.match(nl.text, /Status: Wacht op voorraad\n/);
  assert.match(nl.text, /Verwachte verzenddatum: 1 december 2025\n/);
  assert.match(nl.text, /Verwachte leverdatum: nog niet bekend\n/);
  const en = renderBackorderMessage({
    ...base,
    customer: { ...base.customer, language: 'en' },
    status: 'in_production',
  });
  assert.equal(en.subject, 'Update on your backorder 42: Mug');
  assert.match(en.text, /Status: In production\n/);
  assert.match(en.text, /Estimated delivery date: 3 December 2025\n/);
});

test('when a status is unknown or a note is given, then the status is shown as is and the note is included', () => {
  const m = renderBackorderMessage({ ...base, status: 'on-hold', message: '  Sorry for the wait!  ' });
  assert.match(m.text, /Status: on-hold\n/);
  assert.match(m.text, /\nSorry for the wait!\n/);
});

test('for any input, the message names the backorder, product and amount', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.string({ minLength: 1 }),
      fc.string({ minLength: 1 }),
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom('nl', 'en', null),
      fc.constantFrom('pending', 'confirmed', 'in-production', 'in-transit', 'fulfilled', 'cancelled', 'x'),
      (id, code, name, amount, language, status) => {
        const m = renderBackorderMessage({
          ...base,
          idbackorder: id,
          product: { productcode: code, name },
          amount,
          status,
          customer: { ...base.customer, language },
        });
        assert.ok(m.subject.includes(String(id)) && m.subject.includes(name));
        assert.ok(m.text.includes(`${name} (${code})`));
        assert.ok(m.text.includes(`: ${amount}\n`));
      },
    ),
  );
});
