/** The two database engines Stockroom runs on. */
export type Engine = 'sqlite' | 'postgres';
