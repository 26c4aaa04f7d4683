import type { PrivacySection } from '../core/dashboard/dashboardData';
import { button, card, el, empty, fmt } from './dom';

/** Nothing leaves this machine: what was checked, every file Ondi keeps, and a way to delete it all. */
export function privacyCard(p: PrivacySection, deleteEverything: () => void): HTMLElement {
  const n = p.network;
  const scanned = n.scanned.map((s) => `${s.file} (${fmt.bytes(s.bytes)})`).join(', ');
  const clean = n.modulesFound.length === 0;
  return card(
    'Privacy',
    'privacy',
    el(
      'p',
      { class: 'claim' },
      'Nothing leaves this machine: the model, learning and statistics all run and stay here.',
    ),
    el(
      'ul',
      { class: 'evidence' },
      el(
        'li',
        { 'data-check': 'bundles' },
        el('strong', {}, clean ? 'No networking code: ' : 'Networking modules found: '),
        clean
          ? `Ondi's code, read at ${new Date(n.scannedAt).toLocaleTimeString()} (${scanned}), loads none of Node's networking modules (${n.modulesChecked.join(', ')}).`
          : `${n.modulesFound.join(', ')} in ${scanned}.`,
      ),
      el(
        'li',
        { 'data-check': 'remote' },
        el('strong', {}, 'Model downloads: '),
        n.remoteModelLoading === undefined
          ? 'the model library is not loaded yet.'
          : n.remoteModelLoading
            ? 'the model library may fetch remote models (allowRemoteModels is on).'
            : "off. The model library's remote loading is switched off (allowRemoteModels = false, read from the running library).",
      ),
      el(
        'li',
        { 'data-check': 'native' },
        el('strong', {}, 'Runtime telemetry: '),
        n.nativeTelemetry.disabled && !n.nativeTelemetry.queueFound
          ? "off. The ONNX runtime's own usage reports are switched off in this process (ORT_DISABLE_TELEMETRY=1) and it has kept no event queue on this machine."
          : `${n.nativeTelemetry.disabled ? 'switched off now, but' : 'NOT switched off, and'} ${n.nativeTelemetry.queueFound ? 'an event queue from an earlier run exists in ~/.cache/Microsoft/DeveloperTools/.onnxruntime.' : 'no event queue exists yet.'}`,
      ),
      el(
        'li',
        { 'data-check': 'syscalls' },
        el('strong', {}, 'Tested at the system-call level: '),
        'the test suite traces the command line and this extension host with strace while they complete and learn, and fails on any internet socket, name lookup, machine-id read or file written into the home folder.',
      ),
    ),
    el(
      'h3',
      {},
      `What Ondi stores (${fmt.bytes(p.totalBytes)} in ${p.files.length} ${p.files.length === 1 ? 'file' : 'files'})`,
    ),
    p.files.length === 0
      ? empty('Nothing yet.')
      : el(
          'table',
          { class: 'files' },
          el(
            'thead',
            {},
            el('tr', {}, el('th', {}, 'What'), el('th', {}, 'Where'), el('th', { class: 'num' }, 'Size')),
          ),
          el(
            'tbody',
            {},
            ...p.files.map((f) =>
              el(
                'tr',
                {},
                el('td', {}, f.what),
                el('td', { class: 'path' }, f.path),
                el('td', { class: 'num' }, fmt.bytes(f.bytes)),
              ),
            ),
          ),
        ),
    el(
      'div',
      { class: 'actions' },
      button('Delete everything Ondi stored…', deleteEverything, {
        class: 'danger',
        'data-action': 'delete-everything',
      }),
    ),
  );
}
