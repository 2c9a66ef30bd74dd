// Public entry: Text of names and addresses: DIN 91379 characters, NFC, postal addresses.
export { din91379Description } from './text/din-91379';
export type { Din91379DataType } from './text/din-91379';
export { normalizedEventText } from './text/event-text';
export { normalizedText, textViolation } from './text/text-field';
export { normalizedPostalAddress, postalAddressViolations } from './postal-address';
