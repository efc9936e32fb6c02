import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { findFfmpeg } from '../src/media/thumbnails.js';
import { findFfprobe } from '../src/media/ffprobe.js';
import { startTestApp, client, tempDir } from './helpers/app.js';

const ffmpeg = findFfmpeg();
const skip = !ffmpeg || !findFfprobe() ? 'Debian ffmpeg is not installed (apt-get install ffmpeg)' : false;

test('with ffmpeg: other containers are read and video thumbnails are real frames', { skip }, async () => {
  const dir = tempDir();
  const webm = path.join(dir, 'clip.webm');
  execFileSync(ffmpeg!, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=2', '-metadata', 'creation_time=2021-01-02T03:04:05Z', '-c:v', 'libvpx', '-b:v', '200k', webm]);
  const t = await startTestApp();
  try {
    const u = await t.newUser();
    const api = client(t, u);
    const up = await api.upload('clip.webm', fs.readFileSync(webm));
    assert.equal(up.body.fileType, '20');
    assert.equal(up.body.mimeType, 'video/webm');
    assert.equal(up.body.width, 320);
    assert.equal(up.body.height, 240);
    assert.ok(Math.abs((up.body.duration as number) - 2) < 0.2);
    assert.equal(up.body.takeTime, '2021-01-02T03:04:05.000Z');
    const url = new URL(up.body.thumbnailUrl as string);
    const res = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [320, 240], 'a frame of the video, not the placeholder');
  } finally {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
