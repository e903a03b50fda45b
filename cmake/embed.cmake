# Writes OUT, a C file embedding the files FILES (;-separated) as
#   const struct md_pack_file md_pack[] = {{"name.yml", "bytes", len}, ...};
# Run with: cmake -DOUT=... -DFILES=... -P embed.cmake
set(body "/* Generated from rules/pack by cmake/embed.cmake; do not edit. */\n")
string(APPEND body "#include \"marsdiag/pack.h\"\n\nconst struct md_pack_file md_pack[] = {\n")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME)
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR len "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" esc "${hex}")
  # Split the literal every 64 bytes to keep lines short.
  string(REGEX REPLACE "((\\\\x[0-9a-f][0-9a-f]){64})" "\\1\"\n    \"" esc "${esc}")
  string(APPEND body "    {\"${name}\",\n    \"${esc}\",\n    ${len}},\n")
endforeach()
string(APPEND body "};\n\nconst size_t md_npack = sizeof md_pack / sizeof md_pack[0];\n")
file(WRITE ${OUT} "${body}")
