// Upstream's run configs, second half (the other half runs in parallel in upstream-start-a).
import { describe } from 'vitest';
import { runStartCases } from './upstream-start.js';

describe('upstream example configs start', () => runStartCases(1));
