import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reserveRun } from '../../src/run/logs.js';

describe('reserveRun', () => {
  it('gives runs reserved in the same second distinct ids, and discards a folder never opened', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-logs-'));
    const now = new Date(2026, 10, 25, 23, 18, 47);
    const first = reserveRun(dir, now);
    const second = reserveRun(dir, now);
    expect([first.runId, second.runId]).toEqual(['20261125-231847', '20261125-231847-2']);
    expect(path.basename(second.logDir)).toBe(second.runId);
    first.open(['a']);
    first.discardIfUnused();
    second.discardIfUnused();
    expect(fs.readdirSync(path.join(dir, '.bftask', 'logs')).sort()).toEqual(['20261125-231847', 'latest']);
    expect(fs.readlinkSync(path.join(dir, '.bftask', 'logs', 'latest'))).toBe('20261125-231847');
    fs.rmSync(dir, { recursive: true });
  });
});
