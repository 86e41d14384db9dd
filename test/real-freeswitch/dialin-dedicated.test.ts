// Dial-in through the dedicated profile on a real FreeSWITCH, on BBB 2.7's and 3.0's reference trees.
import { defineDialinSuite } from './dialin-suite.js';

defineDialinSuite('3.0', 'dedicated');
defineDialinSuite('2.7', 'dedicated');
