// Upstream's run configs, first half (the other half runs in parallel in upstream-start-b).
import { describe } from 'vitest';
import { runStartCases } from './upstream-start.js';

describe('upstream example configs start', () => runStartCases(0));
