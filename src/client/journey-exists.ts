import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { journeyWorkflowId } from '../contracts/workflow-ids';

/**
 * Whether Temporal knows the journey of a reference: running, or ended and not yet removed by the namespace's
 * retention. Throws when Temporal cannot be asked.
 */
export async function journeyExists(client: Client, reference: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(journeyWorkflowId(reference)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
