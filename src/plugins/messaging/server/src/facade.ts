/**
 * The messaging plugin as other plugins use it: the port through which they add ways two people become contacts
 * (the marketplace's accepted offers), so the contact rule of direct messages covers them.
 */
export { provideContactSource, type ContactSource } from './contact-sources';
