// Dial-in through BBB's external profile (the seed's way) on a real FreeSWITCH, on BBB 2.7's and 3.0's reference trees.
import { defineDialinSuite } from './dialin-suite.js';

defineDialinSuite('3.0', 'external');
defineDialinSuite('2.7', 'external');
