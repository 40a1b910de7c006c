/**
 * The tests' EnOS gateway is the app's EnOS simulator (src/enos/simulator): one implementation,
 * used by the demo and the tests. This module keeps the tests' imports short and stable.
 */
export * from '../../src/enos/simulator/start-enos-simulator';
