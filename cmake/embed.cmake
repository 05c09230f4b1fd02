# Writes the bytes of IN as a C array aim_seed_config_yaml[] (NUL-terminated) into OUT.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
math(EXPR bytes "${n} / 2")
file(WRITE ${OUT} "/* Generated from configs/seed-2025.yaml at build time. Do not edit. */\n"
  "#include <stddef.h>\n"
  "const char aim_seed_config_yaml[] = {${body}0x00};\n"
  "const size_t aim_seed_config_yaml_len = ${bytes};\n")
