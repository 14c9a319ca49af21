import type { PolicyDocument } from '../contracts/policy-document';

/** Where a version is in its life: written, in force (current or shadow), or withdrawn for good. */
export type PolicyState = 'draft' | 'published' | 'retired';

/** One immutable policy version as the API, the console and the CLI show it. */
export interface PolicyVersion {
  /** Sequential from 1. */
  version: number;
  /** Hex SHA-256 of the document's canonical JSON. */
  sha256: string;
  document: PolicyDocument;
  state: PolicyState;
  /** The version new journeys are pinned to; exactly one published version is. */
  current: boolean;
  /** Evaluated beside the current version for every live journey, without effect; at most one. */
  shadow: boolean;
  note?: string;
  createdAt: string;
  createdBy: string;
  /** A publication waiting for a second, different identity (four-eyes). */
  publishRequest?: { by: string; at: string; shadow: boolean };
  publishedAt?: string;
  publishedBy?: string;
  /** The second identity that approved the publication, under four-eyes. */
  approvedBy?: string;
  /** A retirement waiting for a second, different identity (four-eyes). */
  retireRequest?: { by: string; at: string };
  retiredAt?: string;
  retiredBy?: string;
  /** The second identity that approved the retirement, under four-eyes. */
  retireApprovedBy?: string;
}
