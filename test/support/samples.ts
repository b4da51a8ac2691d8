import path from 'node:path';

/**
 * The request and response bodies from Microsoft's Partner Center documentation, copied into the
 * repository (see test/fixtures/partner-center-samples/README.md for each source and licence).
 */
export const SAMPLES_DIR = path.resolve(__dirname, '../fixtures/partner-center-samples');
