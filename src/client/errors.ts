// What the journeys' client refuses with: each class names one refusal, so callers (the gateway's problem mapping,
// backends) tell them apart with `instanceof`.

/** The journey does not exist (never started, or deleted by retention). */
export class JourneyNotFoundError extends Error {
  override readonly name = 'JourneyNotFoundError';
}

/** The class of a refusal about one journey: named `name`, carrying the journey's id, its message from `messageOf`. */
function journeyRefusal(name: string, messageOf: (journeyId: string) => string) {
  return class extends Error {
    override readonly name = name;
    constructor(readonly journeyId: string) {
      super(messageOf(journeyId));
    }
  };
}

/** The journey for this reference already ended; read its result instead of starting again. */
export class JourneyClosedError extends journeyRefusal(
  'JourneyClosedError',
  (id) => `journey ${id} has already ended`,
) {}

/**
 * The journey cannot take the request now: its workflow task has failed several times in a row (a worker crashed
 * mid-task, or a release fails it), and Temporal refuses updates until a task succeeds. Nothing was lost: retry the
 * request shortly; a start retried for the same reference joins the same journey.
 */
export class JourneyNotReadyError extends journeyRefusal(
  'JourneyNotReadyError',
  (id) => `journey ${id} cannot take requests until its workflow task succeeds`,
) {}

/** The journey has no result yet (asked with `wait: false`), or has not ended where an ended journey is needed. */
export class JourneyRunningError extends journeyRefusal(
  'JourneyRunningError',
  (id) => `journey ${id} is still running`,
) {}

/** A web return carried a token that is not the journey's current one (or named no such journey). */
export class WebReturnMismatchError extends journeyRefusal(
  'WebReturnMismatchError',
  (id) => `the web return for journey ${id} carries no current token of it`,
) {}
