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

  /** "Ondi: Next Edit": the predicted edit locations with a reason each. */
  nextEditList: 'ondi.nextEdit.list',
  /** Tab while a next edit is predicted: go to it. */
  nextEditJump: 'ondi.nextEdit.jump',
  /** Tab at a predicted location with a proposal: make the proposed edit. */
  nextEditApply: 'ondi.nextEdit.apply',
  /** Esc while the marker shows. */
  nextEditDismiss: 'ondi.nextEdit.dismiss',
} as const;
