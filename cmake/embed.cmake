# Writes OUTPUT, a C file defining the bytes of INPUT as NAME[] and NAME_len,
# so a data file of the repository is compiled into tally (nothing is read
# from the source tree at run time). Run with cmake -P.
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE ${OUTPUT}
  "/* generated from ${INPUT} by cmake/embed.cmake; do not edit */\n"
  "#include <stddef.h>\n"
  "extern const unsigned char ${NAME}[];\n"
  "extern const size_t ${NAME}_len;\n"
  "const unsigned char ${NAME}[] = {\n${body}0};\n"
  "const size_t ${NAME}_len = ${bytes};\n")
