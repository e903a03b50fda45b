# Test registration: everything is found by name, nothing listed by hand.
#   tests/unit/test_NAME.c      one executable and one CTest each
#   tests/fuzz/fuzz_NAME.c      libFuzzer target (MD_FUZZ=ON) or, normally,
#                               a replayer of tests/fuzz/corpus/NAME/ as a test
#   tests/cases/NAME/           golden CLI case: cmd, expected, status
#   tests/sh/NAME.sh            a shell test (MD_SRC, MD_BIN, MD_BUILD set;
#                               exit 0 pass, 77 skipped, else fail)
set(MD_TEST_ENV "MD_SRC=${CMAKE_SOURCE_DIR};MD_BIN=$<TARGET_FILE:marsdiag>")

add_library(md_testutil STATIC tests/unit/testutil.c)
target_include_directories(md_testutil PUBLIC tests/unit)
target_link_libraries(md_testutil PUBLIC marsdiag_lib)
target_compile_options(md_testutil PRIVATE ${MD_WARNINGS})

file(GLOB MD_UNIT_TESTS CONFIGURE_DEPENDS tests/unit/test_*.c)
foreach(src IN LISTS MD_UNIT_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE md_testutil)
  target_include_directories(${name} PRIVATE analyzer/core)
  target_compile_options(${name} PRIVATE ${MD_WARNINGS})
  add_test(NAME unit/${name} COMMAND ${name})
  set_tests_properties(unit/${name} PROPERTIES
    ENVIRONMENT "${MD_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

file(GLOB MD_FUZZ_TARGETS CONFIGURE_DEPENDS tests/fuzz/fuzz_*.c)
foreach(src IN LISTS MD_FUZZ_TARGETS)
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" corpus ${name})
  if(MD_FUZZ)
    add_executable(${name} ${src})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE marsdiag_lib)
  else()
    add_executable(${name} ${src} tests/fuzz/replay.c)
    target_link_libraries(${name} PRIVATE marsdiag_lib)
    add_test(NAME fuzz-replay/${corpus}
             COMMAND ${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${corpus})
  endif()
  target_compile_options(${name} PRIVATE ${MD_WARNINGS})
endforeach()

file(GLOB MD_CASES LIST_DIRECTORIES true CONFIGURE_DEPENDS tests/cases/*)
foreach(dir IN LISTS MD_CASES)
  if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/cmd)
    get_filename_component(name ${dir} NAME)
    add_test(NAME case/${name}
             COMMAND sh ${CMAKE_SOURCE_DIR}/tests/cases/run-case.sh ${dir})
    set_tests_properties(case/${name} PROPERTIES
      ENVIRONMENT "${MD_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endif()
endforeach()

add_test(NAME readme-examples COMMAND sh ${CMAKE_SOURCE_DIR}/tests/readme.sh)
set_tests_properties(readme-examples PROPERTIES ENVIRONMENT "${MD_TEST_ENV}")
add_test(NAME man-page-options COMMAND sh ${CMAKE_SOURCE_DIR}/tests/manpage.sh)
set_tests_properties(man-page-options PROPERTIES ENVIRONMENT "${MD_TEST_ENV}")
add_test(NAME rules/scenarios COMMAND sh ${CMAKE_SOURCE_DIR}/tests/rules/check.sh)
set_tests_properties(rules/scenarios PROPERTIES ENVIRONMENT "${MD_TEST_ENV}")

file(GLOB MD_SH_TESTS CONFIGURE_DEPENDS tests/sh/*.sh)
foreach(src IN LISTS MD_SH_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME sh/${name} COMMAND sh ${src})
  set_tests_properties(sh/${name} PROPERTIES
    ENVIRONMENT "${MD_TEST_ENV};MD_BUILD=${CMAKE_BINARY_DIR}"
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} SKIP_RETURN_CODE 77)
endforeach()
