import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkFileName, codePoints, freeName, numberedPrefix } from '../src/domain/drive/names.js';
import { appForSuite, type Api, type TestApp, type TestUser } from './helpers/app.js';

/** Automatic names stay valid names (issue 9, defect 11): within 250 code points, whatever the name. */

const nameChar = fc.constantFrom('a', 'é', '字', '😀', ' ', '.', '-', '(', '1');
const validName = fc
  .array(nameChar, { minLength: 1, maxLength: 250 })
  .map((cs) => cs.join(''))
  .filter((s) => {
    try {
      checkFileName('n', s);
      return true;
    } catch {
      return false;
    }
  });

describe('automatic names', () => {
  test('every automatic name is a valid name that starts with the prefix searched for', () => {
    fc.assert(
      fc.property(validName, fc.integer({ min: 1, max: 40 }), (name, k) => {
        const taken = new Set([name]);
        for (let i = 0; i < k; i++) {
          const next = freeName(name, taken);
          assert.ok(!taken.has(next));
          assert.ok(codePoints(next) <= 250, `${codePoints(next)} code points`);
          checkFileName('n', next);
          assert.ok(next.startsWith(numberedPrefix(name)));
          taken.add(next);
        }
        assert.ok(name.startsWith(numberedPrefix(name)));
      }),
      { numRuns: 300 },
    );
  });

  describe('through the API', () => {
    let t: TestApp;
    let u: TestUser;
    let api: Api;
    appForSuite((s) => ({ t, u, api } = s));

    test('a 250-character name uploaded twice gets a 250-character free name that rename accepts', async () => {
      const long = `${'x'.repeat(246)}.jpg`;
      const names: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await api.upload(long, Buffer.from(`content ${i}`));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        names.push(String(r.body.fileName));
      }
      assert.equal(new Set(names).size, 12);
      for (const n of names) assert.ok(codePoints(n) <= 250, n);
      assert.equal(names[1], `${'x'.repeat(242)} (1).jpg`);
      assert.equal(names[11], `${'x'.repeat(241)} (11).jpg`);
      const listed = (await api.list(0, { pageInfo: { pageSize: 100 } })).body.files as { id: string; fileName: string }[];
      const second = listed.find((f) => f.fileName === names[1])!;
      const renamed = await api.call('POST', `/koodrive/ose/v1/files/rename/${second.id}`, { containerId: u.containerId, name: names[1], renameMode: 2 });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.ok(t);
    });

    test('names with the highest code point after the stem still find their free name', async () => {
      const name = `${'A'.repeat(233)}\u{10FFFF}B.jpg`;
      const first = await api.upload(name, Buffer.from('one'));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.fileName, name);
      const second = await api.upload(name, Buffer.from('two'));
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.notEqual(second.body.fileName, name);
      const folder = await api.mkdir(name);
      assert.equal(folder.status, 400, JSON.stringify(folder.body));
      assert.equal(folder.body.code, 13000405);
    });

    test('a lone surrogate is not a name: refused before it could be stored as another', async () => {
      // JSON carries a lone surrogate as an escape (a URL query cannot: it decodes to U+FFFD).
      for (const bad of ['a\ud800.jpg', 'b\udc00', 'c\ud800']) {
        const r = await api.call('POST', '/koodrive/ose/v1/files/create', { fileName: bad, parentFolder: ['root'], containerId: u.containerId, length: 1 });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.code, 13000102);
        const m = await api.mkdir(bad);
        assert.equal(m.body.code, 13000102);
      }
      assert.equal((await api.upload('ok 😀.jpg', Buffer.from('pair'))).status, 200, 'a surrogate pair is a character');
    });
  });
});
