/** The simulator's token service and signature check, as the tests import them. */
export * from '../../src/enos/simulator/simulator-auth';
