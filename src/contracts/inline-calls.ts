// Pure data: shared by the activities and the workflow bundle (which sizes its local activities' timeouts by them).

/**
 * The longest wait for this process's next FaceID slot a call made inline (a local activity) accepts. Beyond it the
 * quota is busy and the call joins its action's queue, whose backlog any worker of the group can take, rather than
 * hold the journey's workflow task.
 */
export const INLINE_SLOT_WAIT_MS = 1_000;

/**
 * How long a result call may spend archiving its media itself. Most results' media (a video, a few images) take well
 * under a second, so the journey needs no separate archive step; anything slower or failing is left to the media
 * queue's `archiveMedia`, with its heartbeats and retries, so a slow download never holds a FaceID slot for long.
 */
export const INLINE_ARCHIVE_BUDGET_MS = 10_000;
