// The first-run card's sample list: chosen there, opened by New batch as a draft on the Sandbox.
import { makeChoice } from './choice';

/** A small HR export as a spreadsheet saves one: semicolons, German headers, a language column. */
export const SAMPLE_LIST = [
  'E-Mail;Vorname;Nachname;Abteilung;Personalnummer;Sprache',
  'anna.schmidt@example.com;Anna;Schmidt;Vertrieb;P-1001;de',
  'lukas.mueller@example.com;Lukas;Müller;Einkauf;P-1002;de',
  'claire.martin@example.com;Claire;Martin;Vertrieb;P-1003;fr',
  'james.brown@example.com;James;Brown;IT;P-1004;en',
  'sofia.rossi@example.com;Sofia;Rossi;Marketing;P-1005;it',
].join('\n');

export const sampleChoice = makeChoice<string>();
