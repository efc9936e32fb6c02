import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { appForSuite, type Api } from './helpers/app.js';
import { xmpDate } from '../src/media/xmp-time.js';

/**
 * takeTime's order (decisions.md §6): EXIF DateTimeOriginal; else XMP exif:DateTimeOriginal (what an
 * edit in Lightroom or Photoshop often leaves), else XMP photoshop:DateCreated, else EXIF CreateDate;
 * else the file's createdTime. On files made here with exactly those tags.
 */

const xmp = (props: string): string =>
  `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
  `<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" ${props}/>` +
  `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
const xmpElements = (inner: string): string =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">${inner}</rdf:Description></rdf:RDF></x:xmpmeta>`;

async function jpeg(options: { xmp?: string; exif?: Record<string, string> } = {}): Promise<Buffer> {
  let image = sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366aa' } });
  if (options.exif) image = image.withExif({ IFD2: options.exif });
  if (options.xmp) image = image.withXmp(options.xmp);
  return image.jpeg().toBuffer();
}

describe('shooting times from EXIF and XMP', () => {
  let api: Api;
  appForSuite((s) => ({ api } = s));

  const takeTime = async (name: string, body: Buffer): Promise<string> => {
    const r = await api.upload(name, body, 'root', { createdTime: '2001-01-01T00:00:00Z' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return String(r.body.takeTime);
  };

  test('XMP exif:DateTimeOriginal alone, with a trailing Z', async () => {
    assert.equal(await takeTime('xmp-z.jpg', await jpeg({ xmp: xmp('exif:DateTimeOriginal="2017-03-04T05:06:07Z"') })), '2017-03-04T05:06:07.000Z');
  });

  test('XMP exif:DateTimeOriginal with an offset, and with a fraction and no zone (read as UTC)', async () => {
    assert.equal(await takeTime('xmp-offset.jpg', await jpeg({ xmp: xmp('exif:DateTimeOriginal="2017-03-04T05:06:07+02:00"') })), '2017-03-04T03:06:07.000Z');
    assert.equal(await takeTime('xmp-local.jpg', await jpeg({ xmp: xmp('exif:DateTimeOriginal="2018-12-31T23:59:58.25"') })), '2018-12-31T23:59:58.250Z');
  });

  test('XMP photoshop:DateCreated (element form) when there is no exif:DateTimeOriginal', async () => {
    assert.equal(await takeTime('ps.jpg', await jpeg({ xmp: xmpElements('<photoshop:DateCreated>2016-06-01T12:00:00-05:00</photoshop:DateCreated>') })), '2016-06-01T17:00:00.000Z');
  });

  test('EXIF DateTimeOriginal wins over XMP; XMP wins over EXIF CreateDate', async () => {
    const both = await jpeg({ exif: { DateTimeOriginal: '2015:01:02 03:04:05' }, xmp: xmp('exif:DateTimeOriginal="2017-03-04T05:06:07Z"') });
    assert.equal(await takeTime('both.jpg', both), '2015-01-02T03:04:05.000Z');
    const digitized = await jpeg({ exif: { DateTimeDigitized: '2014:05:06 07:08:09' }, xmp: xmp('exif:DateTimeOriginal="2017-03-04T05:06:07Z"') });
    assert.equal(await takeTime('digitized-and-xmp.jpg', digitized), '2017-03-04T05:06:07.000Z');
    assert.equal(await takeTime('digitized.jpg', await jpeg({ exif: { DateTimeDigitized: '2014:05:06 07:08:09' } })), '2014-05-06T07:08:09.000Z');
  });

  test('no date anywhere, or one that is not a date: the createdTime given', async () => {
    assert.equal(await takeTime('none.jpg', await jpeg()), '2001-01-01T00:00:00.000Z');
    assert.equal(await takeTime('junk.jpg', await jpeg({ xmp: xmp('exif:DateTimeOriginal="last summer"') })), '2001-01-01T00:00:00.000Z');
  });

  test('XMP date forms', () => {
    assert.equal(xmpDate('2019-07-14'), Date.UTC(2019, 6, 14));
    assert.equal(xmpDate('2019-07-14T08:45'), Date.UTC(2019, 6, 14, 8, 45));
    assert.equal(xmpDate('2019-07-14T08:45:30-0130'), Date.UTC(2019, 6, 14, 10, 15, 30));
    assert.equal(xmpDate('1700-01-01T00:00:00Z'), null);
    assert.equal(xmpDate('2019-13-01'), null);
    assert.equal(xmpDate(undefined), null);
  });
});
