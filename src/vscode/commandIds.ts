/** Command identifiers; each must match `contributes.commands` in package.json (a host test checks). */
export const COMMAND_IDS = {
  showLog: 'ondi.showLog',
  toggleInlineCompletions: 'ondi.toggleInlineCompletions',
  showMenu: 'ondi.showMenu',
} as const;
