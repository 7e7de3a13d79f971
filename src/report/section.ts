import type { TopLevelSpec } from 'vega-lite';

/** One chart of a section: its file stem under figures/, a caption saying how to read it, its spec. */
export interface Figure {
  name: string;
  caption: string;
  spec: TopLevelSpec;
}

/** A small table of numbers behind a section's answer (cells already formatted). */
export interface Table {
  header: string[];
  rows: string[][];
}

/** One question of the report: the answer as one sentence computed from the data, then its evidence. */
export interface Section {
  id: string;
  title: string;
  answer: string;
  figures: Figure[];
  table?: Table;
  /** Further remarks computed from the data (what was left out, what cannot be answered). */
  notes: string[];
}

/** The whole report: the experiment, an overview line and the sections that have data. */
export interface Report {
  name: string;
  question: string;
  description: string;
  overview: string;
  sections: Section[];
}
