/* tally dashboard: placeholder until the front end lands. */
"use strict";
