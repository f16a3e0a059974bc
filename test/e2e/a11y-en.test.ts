// axe-core WCAG 2.1 A/AA checks of every dashboard page and role, in English (the suite: a11y-axe.ts).
import { axeSuite } from './a11y-axe.ts';

axeSuite('en');
