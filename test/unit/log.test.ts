import * as assert from 'node:assert/strict';
import {
  createLogger,
  describeError,
  isLevelEnabled,
  isLogLevel,
  type LogLevel,
  type LogRecord,
} from '../../src/core/log';

describe('log', () => {
  it('orders levels from error (always shown) to debug (most verbose)', () => {
    assert.equal(isLevelEnabled('error', 'error'), true);
    assert.equal(isLevelEnabled('warn', 'error'), false);
    assert.equal(isLevelEnabled('info', 'debug'), true);
    assert.equal(isLevelEnabled('debug', 'info'), false);
  });

  it('recognises only the four level names', () => {
    assert.equal(isLogLevel('warn'), true);
    assert.equal(isLogLevel('verbose'), false);
    assert.equal(isLogLevel(undefined), false);
  });

  it('drops records below a threshold that is read on every call', () => {
    const records: LogRecord[] = [];
    let threshold: LogLevel = 'warn';
    const log = createLogger(
      (record) => records.push(record),
      () => threshold,
    );
    log.info('hidden');
    log.warn('shown');
    threshold = 'debug';
    log.debug('now shown');
    assert.deepEqual(records, [
      { level: 'warn', message: 'shown' },
      { level: 'debug', message: 'now shown' },
    ]);
  });

  it('appends the cause to error messages', () => {
    const records: LogRecord[] = [];
    const log = createLogger(
      (record) => records.push(record),
      () => 'error',
    );
    log.error('load failed', new Error('file missing'));
    log.error('plain');
    assert.deepEqual(
      records.map((record) => record.message),
      ['load failed: file missing', 'plain'],
    );
  });

  it('describes anything that can be thrown', () => {
    assert.equal(describeError(new TypeError('bad')), 'bad');
    assert.equal(describeError('text'), 'text');
    assert.equal(describeError({ code: 7 }), '{"code":7}');
    assert.equal(describeError(undefined), 'undefined');
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    assert.equal(describeError(cyclic), '[object Object]');
  });
});
