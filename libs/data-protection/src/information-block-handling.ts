// Public entry: Information blocks (Auskunftssperren): storing them, disclosing addresses, awaiting a Rückmeldung.
export { AddressDisclosure } from './information-blocks/address-disclosure';
export { applyReceivedBlocks, applyRueckmeldungAnswers, awaitRueckmeldungOf, changeInformationBlocks, endRueckmeldungWait, informationBlocksOf, lockInformationBlock, storeInformationBlock } from './information-blocks/information-block-store';
export type { BlockChange } from './information-blocks/information-block-store';
export { informationBlockMigrations } from './information-blocks/information-blocks.migration';
