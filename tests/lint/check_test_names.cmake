# Checks that no Catch2 test or section name starts with '-' or holds ';'.
# ctest runs each test as `<executable> "<name>"`, and Catch2 reads an
# argument that starts with '-' as a flag: a test named "--port 0 picks a
# port" runs as an unknown option (or, worse, as a flag Catch2 knows, and
# passes without running). catch_discover_tests keeps the names in a CMake
# list, which splits at ';': "a; b" becomes the tests "a" and " b", each of
# which matches no test case, and Catch2 2.x exits 0 when none matched, so
# the test passes without running.
#
# Reads every TEST_CASE, TEST_CASE_METHOD, SCENARIO and SECTION whose name is
# a string literal in TESTS_DIR/**/*.cpp, and fails listing each offender as
# file:line: "name". Names built at run time (REGISTER_TEST_CASE) are not seen.
#
# cmake -DTESTS_DIR=<repo>/tests [-DMIN_NAMES=<n>] -P check_test_names.cmake
if(NOT DEFINED MIN_NAMES)
  set(MIN_NAMES 100)
endif()
file(GLOB_RECURSE sources "${TESTS_DIR}/*.cpp")
# The offender below this folder is the check's own test: it must fail there.
list(FILTER sources EXCLUDE REGEX "/lint/offender/")
if(TESTS_DIR MATCHES "/lint/offender/?$")
  file(GLOB_RECURSE sources "${TESTS_DIR}/*.cpp")
endif()

set(ws "[ \t\r\n]*")
set(opening "(TEST_CASE|SCENARIO|SECTION)${ws}\\(${ws}\"|TEST_CASE_METHOD${ws}\\([^,]*,${ws}\"")
set(names 0)
set(offenders "")
foreach(source IN LISTS sources)
  file(READ "${source}" text)
  # CMake lists split on ';': keep it as a word until a name is reported.
  string(REPLACE ";" "<semicolon>" text "${text}")
  string(REGEX MATCHALL "(${opening})[^\"\n]*" found "${text}")
  foreach(match IN LISTS found)
    math(EXPR names "${names} + 1")
    string(REGEX REPLACE "^(${opening})" "" name "${match}")
    if(name MATCHES "^-" OR name MATCHES "<semicolon>")
      # Its line: count the line breaks before the first occurrence.
      string(FIND "${text}" "${match}" at)
      string(SUBSTRING "${text}" 0 ${at} before)
      string(REGEX MATCHALL "\n" breaks "${before}")
      list(LENGTH breaks line)
      math(EXPR line "${line} + 1")
      file(RELATIVE_PATH shown "${TESTS_DIR}" "${source}")
      string(REPLACE "<semicolon>" "\\;" name "${name}")
      list(APPEND offenders "  ${shown}:${line}: \"${name}\"")
    endif()
  endforeach()
endforeach()

if(names LESS MIN_NAMES)
  message(FATAL_ERROR "only ${names} test names found in ${TESTS_DIR}: the name pattern is broken")
endif()
if(offenders)
  list(LENGTH offenders count)
  list(JOIN offenders "\n" listing)
  message(FATAL_ERROR "${count} test names start with '-' (Catch2 reads it as a flag) or hold "
                      "';' (ctest splits the name in two):\n${listing}")
endif()
message(STATUS "${names} test names, none starting with '-' or holding ';'")
