'use strict';
// A mocha reporter that prints like "spec" and also writes the counts and failures as JSON,
// so test-all.js can add up every tier (including the one that runs inside the editor,
// where mocha's console output is out of reach). Output file: reporter option `output`, or
// the ONDI_RESULTS_FILE environment variable.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const output = (options.reporterOptions && options.reporterOptions.output) || process.env.ONDI_RESULTS_FILE;
    const results = { passed: 0, failed: 0, skipped: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => results.passed++);
    runner.on(EVENT_TEST_PENDING, () => results.skipped++);
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), error: String((error && error.stack) || error) });
    });
    runner.once(EVENT_RUN_END, () => {
      if (output) {
        fs.mkdirSync(path.dirname(output), { recursive: true });
        fs.writeFileSync(output, JSON.stringify(results, null, 2));
      }
    });
  }
}

module.exports = ResultsReporter;
