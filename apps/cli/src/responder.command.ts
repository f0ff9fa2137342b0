import { defaultActionCatalog } from '@vigil/actions';
import { startResponder, storedTopology } from '@vigil/responder';
import { webhookOutbox } from '@vigil/store';
import { workerCommand } from './worker.command';

/** The responder alone: vigil.anomalies → incidents. Any number may run; they take turns on one lock. */
export const responderCommand = workerCommand('responder', 'run only the responder: anomalies from vigil.anomalies → incidents', (deps) =>
  startResponder({
    ...deps,
    topology: storedTopology(deps.db),
    actions: defaultActionCatalog({ env: process.env }),
    runEvents: (tx, events) => webhookOutbox.enqueue(tx, events).then(() => undefined),
  }),
);
