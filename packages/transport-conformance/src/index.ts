export {
  type ConformanceNetwork,
  type TransportConformanceOptions,
  transportConformanceTests,
} from './transport-conformance-tests.js';
