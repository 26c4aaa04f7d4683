'use strict';
// Debian's Chromium driven by playwright-core (which downloads no browser of its own).
const { chromium } = require('playwright-core');

const CHROMIUM_PATH = process.env.ONDI_CHROMIUM || '/usr/bin/chromium';

function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

module.exports = { launchChromium, CHROMIUM_PATH };
