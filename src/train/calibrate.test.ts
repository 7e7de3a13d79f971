import { describe, expect, it } from 'vitest';
import { calibrationSteps } from './calibrate.js';

describe('calibrationSteps', () => {
  it('never times fewer steps than evalEvery (a shorter run is invalid), nor more than the run has', () => {
    expect(calibrationSteps(50, 600)).toEqual([50, 100]);
    expect(calibrationSteps(250, 3000)).toEqual([250, 500]); // mnist-fig1: used to be 100 and 200, both invalid
    expect(calibrationSteps(250, 400)).toEqual([400]);
    expect(calibrationSteps(1, 600)).toEqual([10, 20]);
  });
});
