/* placeholder: being written */
typedef int tally_placeholder_sink;
