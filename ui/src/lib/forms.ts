// The submit flow the source forms share: client checks first (errors beside their fields, focus on the first),
// then the save; a server `invalid_input` whose message names a field lands beside that field, anything else is
// the form's own error. Components keep their state; this holds only the order of the steps.
import { toApiError } from './api';

export type FieldErrorsOf<F extends string> = Partial<Record<F, string>>;

export interface SubmitSteps<F extends string> {
  /** Client-side checks: the field errors, or the save to run when there are none. */
  check: () => { errors: FieldErrorsOf<F> } | { save: () => Promise<void> };
  /** The field a server message names, if any. */
  fieldOfMessage: (message: string) => { field: F; reason: string } | null;
  /** Shows field errors and focuses the first. */
  showErrors: (errors: FieldErrorsOf<F>) => Promise<void>;
  /** Told when the save starts and ends (the submit button is disabled meanwhile). */
  busy: (saving: boolean) => void;
}

/** Runs the steps; resolves with the form-level error message ('' when none). */
export async function submitChecked<F extends string>(steps: SubmitSteps<F>): Promise<string> {
  const checked = steps.check();
  if ('errors' in checked) {
    await steps.showErrors(checked.errors);
    return '';
  }
  await steps.showErrors({});
  steps.busy(true);
  try {
    await checked.save();
    return '';
  } catch (e) {
    const error = toApiError(e);
    const named = error.code === 'invalid_input' ? steps.fieldOfMessage(error.message) : null;
    if (!named) return error.message;
    await steps.showErrors({ [named.field]: named.reason } as FieldErrorsOf<F>);
    return '';
  } finally {
    steps.busy(false);
  }
}
