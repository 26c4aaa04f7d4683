/** Next-step command identifiers; each is contributed in package.json under the "Ondi" category. */
export const NEXT_COMMAND_IDS = {
  nextStep: 'ondi.nextStep',
  whyNextStep: 'ondi.whyNextStep',
  forgetNextSteps: 'ondi.forgetNextSteps',
} as const;
