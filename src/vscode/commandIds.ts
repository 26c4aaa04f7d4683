/**
 * Every command Ondi registers, in one table. package.json's `contributes.commands` lists
 * exactly these (test/unit/commandIds.test.ts checks).
 */
export const COMMAND_IDS = {
  showLog: 'ondi.showLog',
  toggleInlineCompletions: 'ondi.toggleInlineCompletions',
  showMenu: 'ondi.showMenu',
  /** The status bar item's click target. */
  showDashboard: 'ondi.showDashboard',
  /** Run by VS Code when an Ondi inline completion is accepted; hidden from the palette. */
  completionAccepted: 'ondi.completionAccepted',

  nextStep: 'ondi.nextStep',
  whyNextStep: 'ondi.whyNextStep',
  forgetNextSteps: 'ondi.forgetNextSteps',

  trainPersonalModel: 'ondi.trainPersonalModel',
  pauseLearning: 'ondi.pauseLearning',
  resumeLearning: 'ondi.resumeLearning',
  resetPersonalModel: 'ondi.resetPersonalModel',
  exportPersonalModel: 'ondi.exportPersonalModel',
  importPersonalModel: 'ondi.importPersonalModel',
  showLearned: 'ondi.showLearned',
} as const;
