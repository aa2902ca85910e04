/* placeholder: being written */
typedef int tally_placeholder_decode_html;
