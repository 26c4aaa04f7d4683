/** Command identifiers; each must match `contributes.commands` in package.json (a host test checks). */
export const COMMAND_IDS = {
  showLog: 'ondi.showLog',
  toggleInlineCompletions: 'ondi.toggleInlineCompletions',
  showMenu: 'ondi.showMenu',
  /** The status bar item's click target. */
  showDashboard: 'ondi.showDashboard',
  /** Run by VS Code when an Ondi inline completion is accepted; hidden from the palette. */
  completionAccepted: 'ondi.completionAccepted',
} as const;
