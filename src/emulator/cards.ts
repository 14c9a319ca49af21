import { randomUUID } from 'node:crypto';
import { ApiError } from './envelope';
import type { Caller } from './sessions';

/** Outcomes a document check can be registered with. */
export const CARD_SCENARIOS = ['pass', 'document_warning', 'document_rejected'] as const;

/** One of {@link CARD_SCENARIOS}. */
export type CardScenario = (typeof CARD_SCENARIOS)[number];

/** GetCardVerificationResult's `Status` values. */
export type CardStatus = 'PROCESSING' | 'PASSED' | 'WARNING' | 'REJECTED';

/** How a card (identified by the MD5 of its decoded front image) should be judged. */
export interface CardRegistration {
  scenario: CardScenario;
  /** Number of polls answered `PROCESSING` before the final status. */
  processingPolls: number;
}

/** Unregistered cards: one `PROCESSING` poll, then `PASSED`. */
const DEFAULT_CARD_REGISTRATION: CardRegistration = { scenario: 'pass', processingPolls: 1 };

/** How long a CardVerificationToken stays readable; FaceID does not document it, the emulator uses 3 days. */
const CARD_TOKEN_TTL_SECONDS = 3 * 86400;

/** One ApplyCardVerification process. */
export interface CardVerification {
  readonly token: string;
  readonly idVerificationToken: string;
  readonly region: string;
  readonly secretId: string;
  readonly createdAtMs: number;
  /** MD5 of the decoded front image; absent for URL inputs, which are judged as unregistered cards. */
  readonly imageMd5?: string;
  readonly nationality: string;
  readonly cardType: string;
  polls: number;
  finalScenario?: CardScenario;
}

/** Card registrations and card verification tokens. */
export class CardStore {
  private readonly registrations = new Map<string, CardRegistration>();
  private readonly verifications = new Map<string, CardVerification>();

  /** Registers (or replaces) the outcome for a front image MD5. */
  register(imageMd5: string, registration: CardRegistration): void {
    this.registrations.set(imageMd5.toLowerCase(), registration);
  }

  /** Starts a card verification and returns its token. */
  create(
    init: Pick<CardVerification, 'region' | 'secretId' | 'imageMd5' | 'nationality' | 'cardType'>,
    nowMs: number,
  ): CardVerification {
    const verification: CardVerification = {
      ...init,
      token: randomUUID().toUpperCase(),
      idVerificationToken: randomUUID().toUpperCase(),
      createdAtMs: nowMs,
      polls: 0,
    };
    this.verifications.set(verification.token, verification);
    return verification;
  }

  /** A card verification by token, if it exists. */
  get(token: string): CardVerification | undefined {
    return this.verifications.get(token);
  }

  /**
   * Counts one poll and returns the status: `PROCESSING` for the registration's first `processingPolls` polls, then
   * the registered verdict, which is fixed from then on.
   */
  poll(token: string, caller: Caller, nowMs: number): { verification: CardVerification; status: CardStatus } {
    const verification = this.verifications.get(token);
    if (!verification || verification.secretId !== caller.secretId || verification.region !== caller.region) {
      throw new ApiError('InvalidParameterValue.BizTokenIllegal', 'The CardVerificationToken is invalid.');
    }
    if (nowMs > verification.createdAtMs + CARD_TOKEN_TTL_SECONDS * 1000) {
      throw new ApiError('InvalidParameterValue.BizTokenExpired', 'The CardVerificationToken has expired.');
    }
    verification.polls += 1;
    if (verification.finalScenario === undefined) {
      const registration =
        (verification.imageMd5 && this.registrations.get(verification.imageMd5)) || DEFAULT_CARD_REGISTRATION;
      if (verification.polls <= registration.processingPolls) return { verification, status: 'PROCESSING' };
      verification.finalScenario = registration.scenario;
    }
    const statuses: Record<CardScenario, CardStatus> = {
      pass: 'PASSED',
      document_warning: 'WARNING',
      document_rejected: 'REJECTED',
    };
    return { verification, status: statuses[verification.finalScenario] };
  }

  /** Forgets registrations and tokens. */
  clear(): void {
    this.registrations.clear();
    this.verifications.clear();
  }
}
