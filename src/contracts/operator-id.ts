// The one rule of an operator id, shared by the journey's update validators, the gateway and the services around it.

/**
 * An operator id: who reviews, holds or erases, as the identity provider or an operator key names them; an id, never a
 * name or an e-mail address, so it may go into histories, audit entries and logs.
 */
export const OPERATOR_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** The rule in words, for the messages that refuse an id: "… must be {@link OPERATOR_ID_RULE}". */
export const OPERATOR_ID_RULE = 'an operator id (1-64 letters, digits, . _ : -)';
