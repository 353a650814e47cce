// Authorization matrix, writing (cadre, village, dispatcher, hotline token): registration and every event at every place.
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { buildMatrix } from './access-fixture.js';
import { runWriteMatrix } from './access-matrix.run.js';

t.test('register and send events: role × event × place, every cell', async (t) => {
  const h = await buildTestApp(t.teardown);
  await runWriteMatrix(t, h, await buildMatrix(h), ['cadre', 'village', 'dispatcher', 'hotline']);
});
