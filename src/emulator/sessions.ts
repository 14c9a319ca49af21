import { randomUUID } from 'node:crypto';
import { ApiError } from './envelope';
import type { Outcome } from './outcome';
import type { Capabilities } from './scenarios';

/** The five FaceID flows, one per token-issuing action. */
export type Flow = 'selfie' | 'ekyc' | 'liveness' | 'web' | 'web-legacy';

/** How long a token may wait to be started, and how long its result stays readable (both from issue). */
export interface FlowWindows {
  startSeconds: number;
  resultSeconds: number;
}

/** The documented windows per flow (reference §1 and §6). */
export const FLOW_WINDOWS: Readonly<Record<Flow, FlowWindows>> = {
  selfie: { startSeconds: 600, resultSeconds: 72 * 3600 },
  ekyc: { startSeconds: 600, resultSeconds: 3 * 86400 },
  liveness: { startSeconds: 600, resultSeconds: 2 * 3600 },
  web: { startSeconds: 600, resultSeconds: 259_200 },
  'web-legacy': { startSeconds: 7200, resultSeconds: 3 * 86400 },
};

/** The lifecycle state of a token at a given emulator time. */
export type SessionState = 'issued' | 'started' | 'finished' | 'expired';

/** One issued token and what its end user did. */
export interface Session {
  readonly token: string;
  readonly flow: Flow;
  readonly region: string;
  readonly secretId: string;
  readonly createdAtMs: number;
  readonly caps: Capabilities;
  /** Request options the result depends on (SdkVersion, SecureLevel, IdCardType, CheckMode, Extra, ...). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Where the web flows send the browser when the user finishes. */
  readonly redirectUrl?: string;
  /** Which synthetic image variant this session's media use. */
  readonly variant: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  outcome?: Outcome;
}

/** What the caller of a result action proved: the account and region its request was signed for. */
export interface Caller {
  secretId: string;
  region: string;
}

/** Why a completion was refused, as an HTTP status for the control and web endpoints. */
export interface CompletionRefusal {
  status: 400 | 404 | 409 | 410;
  error: string;
}

/** The issue-time data a new session needs. */
export type SessionInit = Pick<Session, 'flow' | 'region' | 'secretId' | 'caps' | 'options' | 'redirectUrl'>;

/** In-memory token store implementing the FaceID token lifecycle on the emulator clock. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /** Issues a token (upper-case UUID, like FaceID's). */
  create(init: SessionInit, nowMs: number): Session {
    const token = randomUUID().toUpperCase();
    const variant = parseInt(token.slice(0, 2), 16);
    const session: Session = { ...init, token, createdAtMs: nowMs, variant };
    this.sessions.set(token, session);
    return session;
  }

  /** The session of a token, if it was ever issued (and not reset). */
  get(token: string): Session | undefined {
    return this.sessions.get(token);
  }

  /** When the session must be started by and until when its result is readable (epoch ms, emulator clock). */
  deadlines(session: Session): { startByMs: number; resultUntilMs: number } {
    const windows = FLOW_WINDOWS[session.flow];
    return {
      startByMs: session.createdAtMs + windows.startSeconds * 1000,
      resultUntilMs: session.createdAtMs + windows.resultSeconds * 1000,
    };
  }

  /** The lifecycle state at `nowMs`: a token never started within its start window is expired. */
  state(session: Session, nowMs: number): SessionState {
    const { startByMs, resultUntilMs } = this.deadlines(session);
    if (nowMs > resultUntilMs) return 'expired';
    if (session.finishedAtMs !== undefined) return 'finished';
    if (session.startedAtMs !== undefined) return 'started';
    return nowMs > startByMs ? 'expired' : 'issued';
  }

  /**
   * The session a result action asks about, or the documented error: `BizTokenIllegal` for a token this account never
   * got in this region (or of another flow), `BizTokenExpired` past its result window or never started in time.
   */
  forResult(token: string, flow: Flow | readonly Flow[], caller: Caller, nowMs: number): Session {
    const session = this.sessions.get(token);
    const flows: readonly Flow[] = typeof flow === 'string' ? [flow] : flow;
    if (
      !session ||
      !flows.includes(session.flow) ||
      session.secretId !== caller.secretId ||
      session.region !== caller.region
    ) {
      throw new ApiError('InvalidParameterValue.BizTokenIllegal', 'The token is invalid.');
    }
    if (this.state(session, nowMs) === 'expired') {
      throw new ApiError('InvalidParameterValue.BizTokenExpired', 'The token has expired.');
    }
    return session;
  }

  /**
   * Plays the end user: `play` checks the completion against the session and says what the user did; `abandon`
   * starts the process without finishing it. A token serves one process, so a finished token is refused; an abandoned
   * one may still be finished later (the user came back).
   */
  complete(
    token: string,
    play: (session: Session) => Outcome | 'abandon' | CompletionRefusal,
    nowMs: number,
  ): Session | CompletionRefusal {
    const session = this.sessions.get(token);
    if (!session) return { status: 404, error: 'unknown token' };
    const state = this.state(session, nowMs);
    if (state === 'finished') return { status: 409, error: 'token already used: it serves one verification process' };
    if (state === 'expired') return { status: 410, error: 'token expired: its start or result window has passed' };
    const outcome = play(session);
    if (typeof outcome === 'object' && 'error' in outcome) return outcome;
    session.startedAtMs ??= nowMs;
    if (outcome !== 'abandon') {
      session.finishedAtMs = nowMs;
      session.outcome = outcome;
    }
    return session;
  }

  /** Sessions (tokens) issued since the last clear. */
  get count(): number {
    return this.sessions.size;
  }

  /** Forgets every session. */
  clear(): void {
    this.sessions.clear();
  }
}
